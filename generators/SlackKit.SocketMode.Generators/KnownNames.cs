namespace SlackKit.SocketMode.Generators
{
    /// <summary>The metadata names the generator and analyzers look for.</summary>
    internal static class KnownNames
    {
        public const string SlackAppAttribute = "SlackKit.SocketMode.SlackAppAttribute";
        public const string SlackEventAttribute = "SlackKit.SocketMode.SlackEventAttribute";
        public const string SlashCommandAttribute = "SlackKit.SocketMode.SlashCommandAttribute";
        public const string InteractiveAttribute = "SlackKit.SocketMode.InteractiveAttribute";
        public const string SlackContext = "SlackKit.SocketMode.SlackContext";
        public const string SlackResponse = "SlackKit.SocketMode.SlackResponse";
        public const string JsonElement = "System.Text.Json.JsonElement";
        public const string CancellationToken = "System.Threading.CancellationToken";
        public const string Task = "System.Threading.Tasks.Task";
        public const string TaskOfT = "System.Threading.Tasks.Task`1";
        public const string ValueTask = "System.Threading.Tasks.ValueTask";
        public const string ValueTaskOfT = "System.Threading.Tasks.ValueTask`1";
        public const string PayloadsNamespace = "SlackKit.SocketMode.Payloads";
        public const string JsonSerializableAttribute = "System.Text.Json.Serialization.JsonSerializableAttribute";
    }
}
