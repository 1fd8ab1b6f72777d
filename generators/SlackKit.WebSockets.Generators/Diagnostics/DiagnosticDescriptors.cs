using Microsoft.CodeAnalysis;

namespace SlackKit.WebSockets.Generators.Diagnostics
{
    /// <summary>Every diagnostic of SlackKit.WebSockets, with a stable id and a help page in docs/diagnostics/.</summary>
    internal static class DiagnosticDescriptors
    {
        public const string Category = "SlackKit.WebSockets";

        private const string HelpBase = "https://github.com/SlackKit/SlackKit.WebSockets/blob/main/docs/diagnostics/";

        /// <summary>The property of SKWS001 that says what the client does today: Reconnect, Ok, Once, or Unknown.</summary>
        public const string InitResultProperty = "InitResult";

        public static readonly DiagnosticDescriptor MissingOnDisconnect = Create(
            DiagnosticIds.MissingOnDisconnect,
            "Handler has no [OnDisconnect]",
            "'{0}' has no [OnDisconnect]: after a disconnect the client will {1}. Add an [OnDisconnect] method to decide what it does.",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor NotPartial = Create(
            DiagnosticIds.NotPartial,
            "Handler class must be partial",
            "'{0}' must be partial so that the generator can implement IWebSocketHandler for '{1}'; add the partial modifier",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor UncallableSignature = Create(
            DiagnosticIds.UncallableSignature,
            "Handler signature the generator cannot call",
            "'{0}' cannot be an [{1}] handler: {2}. Accepted: {3}.",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor DuplicateCallback = Create(
            DiagnosticIds.DuplicateCallback,
            "Two methods for one callback",
            "'{0}' is a second [{1}] method{2}; '{3}' already handles it. Keep one of them.",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor CallbackOutsideHandler = Create(
            DiagnosticIds.CallbackOutsideHandler,
            "Callback attribute on a method of a class without [WebSocketHandler]",
            "'{0}' has [{1}], but '{2}' has no [WebSocketHandler], so nothing will call it. Add [WebSocketHandler] to '{2}'.",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor AsyncVoidHandler = Create(
            DiagnosticIds.AsyncVoidHandler,
            "Handler is async void",
            "'{0}' is async void: the client cannot wait for it, so it would overlap the next callback and its exceptions would crash the process. Return Task instead.",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor BlockingCall = Create(
            DiagnosticIds.BlockingCall,
            "Blocking call inside a handler",
            "{0} blocks inside the handler '{1}': the client's mailbox stalls, and every frame and callback waits behind it. Await instead.",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor UnsupportedHandlerClass = Create(
            DiagnosticIds.UnsupportedHandlerClass,
            "[WebSocketHandler] class the generator cannot implement",
            "'{0}' cannot be a [WebSocketHandler] class: {1}",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor PostNobodyTakes = Create(
            DiagnosticIds.PostNobodyTakes,
            "Post of a message no [OnInfo] method takes",
            "'{0}' has no [OnInfo] method that takes {1}: the client will ignore this message. Add [OnInfo] to a method of '{0}' that takes {1}.",
            DiagnosticSeverity.Warning);

        private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
            new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");
    }
}
