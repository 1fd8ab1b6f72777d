namespace SlackKit.SocketMode.Generators.Diagnostics
{
    /// <summary>The stable ids of SlackKit.SocketMode's diagnostics; each has a page in docs/diagnostics/.</summary>
    internal static class DiagnosticIds
    {
        public const string UnknownRouteName = "SKSM001";
        public const string BadCommand = "SKSM002";
        public const string UncallableRoute = "SKSM003";
        public const string DuplicateRoute = "SKSM004";
        public const string BlockingCall = "SKSM005";
        public const string UnsupportedAppClass = "SKSM006";
        public const string RouteOutsideApp = "SKSM007";
    }
}
