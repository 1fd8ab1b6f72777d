using System.Diagnostics;

namespace SlackKit.FleetTesting;

/// <summary>POSIX signals to a child process (<c>kill -SIGNAL pid</c>): what a service manager or an operator sends.</summary>
internal static class Signals
{
    /// <summary>Sends <paramref name="signal"/> (<c>TERM</c>, <c>STOP</c>, <c>CONT</c>...) to <paramref name="process"/>.</summary>
    public static async Task SendAsync(Process process, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill")
        {
            ArgumentList = { "-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            UseShellExecute = false,
        })!;
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill -{signal} {process.Id} failed (exit {kill.ExitCode}).");
        }
    }
}
