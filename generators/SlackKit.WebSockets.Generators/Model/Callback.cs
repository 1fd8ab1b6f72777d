namespace SlackKit.WebSockets.Generators.Model
{
    /// <summary>The callbacks of the contract, one per attribute.</summary>
    internal enum Callback
    {
        Init,
        Connect,
        Disconnect,
        Text,
        Binary,
        Ping,
        Pong,
        Close,
        Info,
        Terminate,
    }

    /// <summary>What a handler method takes, before its optional <c>CancellationToken</c>.</summary>
    internal enum InputShape
    {
        /// <summary>No parameter.</summary>
        None,

        /// <summary>A <c>string</c>: the decoded text.</summary>
        String,

        /// <summary>A <c>ReadOnlyMemory&lt;byte&gt;</c>: the payload.</summary>
        Memory,

        /// <summary><c>(int? code, string reason)</c>: a close frame.</summary>
        NullableCodeAndReason,

        /// <summary><c>(int code, string reason)</c>: a close frame, 1005 when it had no code.</summary>
        CodeAndReason,

        /// <summary>A <c>DisconnectReason</c>.</summary>
        DisconnectReason,

        /// <summary>A <c>TerminateReason</c>.</summary>
        TerminateReason,

        /// <summary>An <c>[OnInfo]</c> message of the method's parameter type.</summary>
        Message,
    }

    /// <summary>How a handler method returns: directly, or in a task.</summary>
    internal enum ReturnWrapper
    {
        None,
        Task,
        ValueTask,
    }

    /// <summary>What a handler method returns (inside its task, if any).</summary>
    internal enum ReturnValue
    {
        Void,
        HandlerResult,
        Frame,
        NullableFrame,
        InitResult,
        DisconnectResult,
    }
}
