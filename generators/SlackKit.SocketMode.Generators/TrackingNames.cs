namespace SlackKit.SocketMode.Generators
{
    /// <summary>Names of the tracked pipeline steps, so the caching tests can find them.</summary>
    internal static class TrackingNames
    {
        /// <summary>The model of each <c>[SlackApp]</c> class, or null for one the generator cannot use.</summary>
        public const string SlackAppModels = nameof(SlackAppModels);

        /// <summary>The models the generator emits source for.</summary>
        public const string UsableSlackApps = nameof(UsableSlackApps);
    }
}
