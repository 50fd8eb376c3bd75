using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace ActorGameServer.Server.Tests.Support;

/// <summary>
/// The real server binary as a child process, the way an operator runs it: its own working
/// directory, environment, arguments, exit code and output.
/// </summary>
public sealed partial class ServerProcess : IDisposable
{
    // Linux signal numbers (the same on x64 and arm64).
    private const int Sigterm = 15;
    private const int Sigstop = 19;
    private const int Sigcont = 18;

    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly Lock _gate = new();

    private ServerProcess(Process process) => _process = process;

    public string StandardOutput
    {
        get { lock (_gate) { return _stdout.ToString(); } }
    }

    public string StandardError
    {
        get { lock (_gate) { return _stderr.ToString(); } }
    }

    /// <summary>How much has been logged so far: a mark to wait for a log line written after it.</summary>
    public int LogLength
    {
        get { lock (_gate) { return _stdout.Length; } }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the server dll that was built next to the tests, from <paramref name="workingDirectory"/>.</summary>
    public static ServerProcess Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        StartExecutable("dotnet", workingDirectory, environment, [Path.Combine(AppContext.BaseDirectory, "ActorGameServer.Server.dll"), .. args]);

    /// <summary>Starts <paramref name="executable"/> (a published server binary, or dotnet) with <paramref name="args"/>.</summary>
    public static ServerProcess StartExecutable(string executable, string workingDirectory, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Tests run several servers at once: none may take the default cluster port, 9302.
        start.Environment["GAME_SERVER_CLUSTER_PORT"] = "0";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var server = new ServerProcess(new Process { StartInfo = start });
        server._process.OutputDataReceived += (_, e) => server.Append(server._stdout, e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Append(server._stderr, e.Data);
        server._process.Start();
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Waits for the "listening on" log line and returns the address it names.</summary>
    public async Task<IPEndPoint> WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow + WireClient.DefaultTimeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            var match = ListeningLine().Match(StandardOutput);
            if (match.Success)
            {
                return IPEndPoint.Parse(match.Groups[1].Value);
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"the server did not start listening.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
    }

    /// <summary>Waits for a log line matching <paramref name="pattern"/> and returns its first group.</summary>
    public async Task<string> WaitForLogAsync(Regex pattern)
    {
        var deadline = DateTime.UtcNow + WireClient.DefaultTimeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            var match = pattern.Match(StandardOutput);
            if (match.Success)
            {
                return match.Groups[1].Value;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"the server never logged /{pattern}/.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
    }

    /// <summary>
    /// Waits at most <paramref name="timeout"/> for a log line matching <paramref name="pattern"/>
    /// written after <paramref name="from"/> (a <see cref="LogLength"/>), also once the process
    /// has exited; returns the match.
    /// </summary>
    public async Task<Match> WaitForLogAsync(Regex pattern, int from, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var exited = _process.HasExited;
            if (exited)
            {
                _process.WaitForExit(); // Drains the redirected output.
            }

            var match = pattern.Match(StandardOutput, from);
            if (match.Success)
            {
                return match;
            }

            if (exited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException(
                    $"the server {(exited ? "exited" : $"did not within {timeout}")} log /{pattern}/.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>What systemd, Docker or Kubernetes send to stop a service.</summary>
    public void SendSigterm() => Assert.Equal(0, kill(_process.Id, Sigterm));

    /// <summary>kill -9: the process ends at once, without closing anything itself.</summary>
    public void Kill9() => _process.Kill();

    /// <summary>SIGSTOP: the process stands still, sockets open, as if cut off or paused; <see cref="Continue"/> resumes it.</summary>
    public void Stop() => Assert.Equal(0, kill(_process.Id, Sigstop));

    public void Continue() => Assert.Equal(0, kill(_process.Id, Sigcont));

    /// <summary>The exit code, once the process has exited (fails the test if it hangs).</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the server did not exit.\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}");
        }

        _process.WaitForExit(); // Drains the redirected output.
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is not null)
        {
            lock (_gate)
            {
                target.AppendLine(line);
            }
        }
    }

    [GeneratedRegex(@"listening on (\S+:\d+)")]
    private static partial Regex ListeningLine();

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
