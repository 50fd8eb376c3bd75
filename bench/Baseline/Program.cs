using System.Net.Sockets;
using System.Runtime.InteropServices;
using ActorGameServer.Baseline;

// Exit codes as the actor server: 0 stopped cleanly, 1 bad command line, 2 cannot listen.
BaselineOptions options;
try
{
    options = BaselineOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(BaselineOptions.Usage);
    return 1;
}

using var stopping = new CancellationTokenSource();
// Ctrl+C and SIGTERM stop the server cleanly instead of killing the process mid-write.
using var onSigInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onSigTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

var server = new BaselineServer(options);
TcpListener listener;
try
{
    listener = server.Bind();
}
catch (SocketException e)
{
    Console.Error.WriteLine($"error: cannot listen on {options.Host}:{options.Port}: {e.Message}");
    return 2;
}

Console.WriteLine($"ActorGameServer.Baseline {ServerVersion.Current} listening on {listener.LocalEndpoint}");
await server.RunAsync(listener, stopping.Token);
Console.WriteLine("stopped");
return 0;

void Stop(PosixSignalContext context)
{
    // Handled here: keep the runtime from terminating the process before the connections close.
    context.Cancel = true;
    stopping.Cancel();
}
