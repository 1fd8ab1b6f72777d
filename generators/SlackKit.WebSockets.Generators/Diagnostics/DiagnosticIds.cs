namespace SlackKit.WebSockets.Generators.Diagnostics
{
    /// <summary>
    /// The id of every diagnostic, stable across releases (docs/diagnostics/ has a page for each). The code-fix
    /// assembly compiles this file too, so that a fix names what it fixes without loading the generator.
    /// </summary>
    internal static class DiagnosticIds
    {
        public const string MissingOnDisconnect = "SKWS001";
        public const string NotPartial = "SKWS002";
        public const string UncallableSignature = "SKWS003";
        public const string DuplicateCallback = "SKWS004";
        public const string CallbackOutsideHandler = "SKWS005";
        public const string AsyncVoidHandler = "SKWS006";
        public const string BlockingCall = "SKWS007";
        public const string UnsupportedHandlerClass = "SKWS008";
        public const string PostNobodyTakes = "SKWS009";
    }
}
