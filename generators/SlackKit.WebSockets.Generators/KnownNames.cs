namespace SlackKit.WebSockets.Generators
{
    /// <summary>Metadata names of the runtime types the generator and analyzers look for.</summary>
    internal static class KnownNames
    {
        public const string Namespace = "SlackKit.WebSockets";
        public const string WebSocketHandlerAttribute = "SlackKit.WebSockets.WebSocketHandlerAttribute";
        public const string WebSocketFrame = "SlackKit.WebSockets.WebSocketFrame";
        public const string HandlerResult = "SlackKit.WebSockets.HandlerResult";
        public const string InitResult = "SlackKit.WebSockets.InitResult";
        public const string DisconnectResult = "SlackKit.WebSockets.DisconnectResult";
        public const string DisconnectReason = "SlackKit.WebSockets.DisconnectReason";
        public const string TerminateReason = "SlackKit.WebSockets.TerminateReason";
        public const string IWebSocketHandler = "SlackKit.WebSockets.IWebSocketHandler";
    }
}
