using Microsoft.CodeAnalysis;

namespace SlackKit.SocketMode.Generators.Diagnostics
{
    /// <summary>Every diagnostic of SlackKit.SocketMode, with a stable id and a help page in docs/diagnostics/.</summary>
    internal static class DiagnosticDescriptors
    {
        public const string Category = "SlackKit.SocketMode";

        /// <summary>The property of SKSM001 and SKSM002 that holds the name the code fix writes instead.</summary>
        public const string SuggestionProperty = "Suggestion";

        private const string HelpBase = "https://github.com/SlackKit/SlackKit.WebSockets/blob/main/docs/diagnostics/";

        public static readonly DiagnosticDescriptor UnknownRouteName = Create(
            DiagnosticIds.UnknownRouteName,
            "Unknown event or interaction type",
            "'{0}' is not {1} type Slack sends{2}; the method would never run",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor BadCommand = Create(
            DiagnosticIds.BadCommand,
            "Slash command that Slack cannot send",
            "'{0}' is not a slash command: {1}",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor UncallableRoute = Create(
            DiagnosticIds.UncallableRoute,
            "Route method the generator cannot call",
            "'{0}' cannot handle the {1} '{2}': {3}. Accepted: {4}.",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor DuplicateRoute = Create(
            DiagnosticIds.DuplicateRoute,
            "The same route twice",
            "'{0}' handles the {1} '{2}' that '{3}' already handles; keep one of them",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor BlockingCall = Create(
            DiagnosticIds.BlockingCall,
            "Blocking call inside a Slack handler",
            "{0} blocks inside '{1}': it holds a thread and one of MaxConcurrentHandlers while it waits, and a command's answer may miss its ack. Await instead.",
            DiagnosticSeverity.Warning);

        public static readonly DiagnosticDescriptor UnsupportedAppClass = Create(
            DiagnosticIds.UnsupportedAppClass,
            "[SlackApp] class the generator cannot implement",
            "'{0}' cannot be a [SlackApp] class: {1}",
            DiagnosticSeverity.Error);

        public static readonly DiagnosticDescriptor RouteOutsideApp = Create(
            DiagnosticIds.RouteOutsideApp,
            "Route attribute in a class without [SlackApp]",
            "'{0}' has [{1}], but '{2}' has no [SlackApp], so nothing will call it. Add [SlackApp] to '{2}'.",
            DiagnosticSeverity.Warning);

        private static DiagnosticDescriptor Create(string id, string title, string message, DiagnosticSeverity severity) =>
            new(id, title, message, Category, severity, isEnabledByDefault: true, helpLinkUri: HelpBase + id + ".md");
    }
}
