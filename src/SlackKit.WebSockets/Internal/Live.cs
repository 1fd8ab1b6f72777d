namespace SlackKit.WebSockets.Internal;

/// <summary>
/// How many of each long-lived piece are running in the process: what the soak test checks is back to zero once
/// every client has terminated (nothing left behind). Incremented when a piece starts, decremented when it ends.
/// </summary>
internal static class Live
{
    public static int Mailboxes;
    public static int Connections;
    public static int Receivers;
    public static int Writers;
    public static int KeepAlives;
    public static int CloseTimers;
    public static int ReconnectTimers;

    /// <summary>Read and message-assembly buffers the receive loops hold (none while a connection is idle).</summary>
    public static int ReceiveBuffers;

    public static string Describe() =>
        $"mailboxes={Volatile.Read(ref Mailboxes)} connections={Volatile.Read(ref Connections)} receivers={Volatile.Read(ref Receivers)} " +
        $"writers={Volatile.Read(ref Writers)} keepalives={Volatile.Read(ref KeepAlives)} closeTimers={Volatile.Read(ref CloseTimers)} " +
        $"reconnectTimers={Volatile.Read(ref ReconnectTimers)} receiveBuffers={Volatile.Read(ref ReceiveBuffers)}";

    public static bool AllZero() =>
        Volatile.Read(ref Mailboxes) == 0 && Volatile.Read(ref Connections) == 0 && Volatile.Read(ref Receivers) == 0
        && Volatile.Read(ref Writers) == 0 && Volatile.Read(ref KeepAlives) == 0 && Volatile.Read(ref CloseTimers) == 0
        && Volatile.Read(ref ReconnectTimers) == 0 && Volatile.Read(ref ReceiveBuffers) == 0;
}
