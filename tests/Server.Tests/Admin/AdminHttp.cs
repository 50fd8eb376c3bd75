using System.Net;
using System.Net.Http.Headers;
using System.Text;
using ActorGameServer.Server.Tests.Support;
using Newtonsoft.Json.Linq;

namespace ActorGameServer.Server.Tests.Admin;

/// <summary>The admin API as the console (or curl) calls it: JSON in, JSON out, a Bearer token.</summary>
public sealed class AdminHttp : IDisposable
{
    /// <summary>The token the admin tests' servers are started with.</summary>
    public const string Token = "test-admin-token-0123456789abcdef";

    public const string Hocon = $"""game-server.admin.token = "{Token}" """;

    private readonly HttpClient _http;

    public AdminHttp(TestServer server, string? token = Token)
    {
        _http = new HttpClient { BaseAddress = server.HttpUri, Timeout = WireClient.DefaultTimeout };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public HttpClient Client => _http;

    public async Task<(HttpStatusCode Status, JObject Body)> GetAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        return (response.StatusCode, await BodyAsync(response));
    }

    public async Task<(HttpStatusCode Status, JObject Body)> PostAsync(string path, string? json)
    {
        using var content = json is null ? null : new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(path, content);
        return (response.StatusCode, await BodyAsync(response));
    }

    /// <summary>GET that must succeed.</summary>
    public async Task<JObject> GetOkAsync(string path)
    {
        var (status, body) = await GetAsync(path);
        Assert.True(status == HttpStatusCode.OK, $"GET {path}: {(int)status} {body}");
        return body;
    }

    /// <summary>Polls <paramref name="path"/> until <paramref name="done"/> holds (what the API reports follows the players asynchronously).</summary>
    public async Task<JObject> GetUntilAsync(string path, Func<JObject, bool> done)
    {
        var deadline = DateTime.UtcNow + WireClient.DefaultTimeout;
        while (true)
        {
            var body = await GetOkAsync(path);
            if (done(body))
            {
                return body;
            }

            Assert.True(DateTime.UtcNow < deadline, $"GET {path} never got there; last: {body}");
            await Task.Delay(50);
        }
    }

    public void Dispose() => _http.Dispose();

    private static async Task<JObject> BodyAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? [] : Json.Parse(text);
    }
}
