using System.Collections.Frozen;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace ActorGameServer.Server.Hosting;

/// <summary>
/// The admin console's page, script and styles (src/Server/Admin/Console), embedded in this
/// assembly and served at <c>/admin</c>. They are static and hold no data, so they are served
/// without the admin token: the page asks the operator for it and sends it to <c>/admin/api/*</c>,
/// which is where the token is checked.
/// </summary>
internal static class AdminConsole
{
    /// <summary>The logical-name prefix Server.csproj gives the console's embedded files.</summary>
    private const string ResourcePrefix = "AdminConsole/";

    /// <summary>
    /// Scripts, styles and fetches from this server only, nothing else (no inline script or style,
    /// no plugins, no other origin): the page shows player names, which players choose, so if one
    /// ever slipped past the page's escaping it still could not run. <c>img-src data:</c> is for
    /// the empty favicon; <c>frame-ancestors</c> and <c>X-Frame-Options</c> stop another site
    /// framing the console to click Kick for the operator.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    // Read once: about 70 KB, and every request is then a dictionary look-up, with no path from
    // the URL ever reaching a file system.
    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    /// <summary>Maps <c>GET /admin</c> (and <c>/admin/</c>) to the page and <c>GET /admin/{path}</c> to its files.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        var index = Assets["index.html"];
        app.MapGet("/admin", context => ServeAsync(context, index));
        // A catch-all, for vendor/…; literal routes such as /admin/api/stats take precedence over it.
        app.MapGet("/admin/{**path}", context =>
        {
            var path = context.Request.RouteValues["path"] as string ?? "";
            return ServeAsync(context, path.Length == 0 ? index : Assets.GetValueOrDefault(path));
        });
    }

    private static Task ServeAsync(HttpContext context, Asset? asset)
    {
        var response = context.Response;
        var headers = response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers["Referrer-Policy"] = "no-referrer";
        // no-cache: the browser may keep a copy but asks every time (a 304 when unchanged), so a
        // server upgrade never leaves an operator on an old script against a new API.
        headers.CacheControl = "no-cache";
        if (asset is null)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        headers.ETag = asset.ETag;
        if (IsCurrent(context.Request.Headers.IfNoneMatch, asset.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Bytes.Length;
        return response.Body.WriteAsync(asset.Bytes, context.RequestAborted).AsTask();
    }

    private static bool IsCurrent(Microsoft.Extensions.Primitives.StringValues ifNoneMatch, string etag)
    {
        foreach (var value in ifNoneMatch)
        {
            foreach (var tag in (value ?? "").Split(','))
            {
                var trimmed = tag.Trim();
                if (trimmed == etag || trimmed == "*")
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(AdminConsole).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            // The path the browser asks for: RecursiveDir uses the build machine's separator.
            var path = name[ResourcePrefix.Length..].Replace('\\', '/');
            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12))}\"";
            assets[path] = new Asset(bytes, ContentType(path), etag);
        }

        if (!assets.ContainsKey("index.html"))
        {
            throw new InvalidOperationException("the admin console's index.html is not embedded in the server assembly (Server.csproj, AdminConsole/)");
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    // Only what Server.csproj embeds; anything else fails at start rather than being served as a guess.
    private static string ContentType(string path) => System.IO.Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        var other => throw new InvalidOperationException($"the admin console embeds {path}, and {other} files have no content type here"),
    };

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);
}
