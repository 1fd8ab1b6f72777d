using System;
using SlackKit.WebSockets.Generators.Helpers;

namespace SlackKit.SocketMode.Generators.Model
{
    /// <summary>Which attribute a route comes from (the values of <c>SlackRouteKind</c>).</summary>
    internal enum RouteKind
    {
        Event = 0,
        SlashCommand = 1,
        Interactive = 2,
    }

    /// <summary>What a route method returns.</summary>
    internal enum RouteReturn
    {
        Void,
        Task,
        ValueTask,
        Response,
        TaskOfResponse,
        ValueTaskOfResponse,
    }

    /// <summary>A <c>[SlackApp]</c> class as the emitter needs it: strings, enums and equatable arrays only.</summary>
    /// <param name="Namespace">The namespace, or null for the global one.</param>
    /// <param name="ContainingTypes">The types it is nested in, outermost first, as their declarations begin.</param>
    /// <param name="Declaration">How a partial part of it begins ("partial class DeployBot").</param>
    /// <param name="FullName">The fully qualified name, for the header comment.</param>
    /// <param name="HintName">The generated file's name.</param>
    /// <param name="Routes">The routes the generator can call, in declaration order, the first of each name only.</param>
    internal sealed record SlackAppModel(
        string? Namespace,
        EquatableArray<string> ContainingTypes,
        string Declaration,
        string FullName,
        string HintName,
        EquatableArray<RouteModel> Routes);

    /// <summary>One route: an attribute on a method whose shape the generator can call.</summary>
    /// <param name="Kind">Event, slash command or interaction.</param>
    /// <param name="Name">The event type, the command or the interaction type.</param>
    /// <param name="Method">The method's name.</param>
    /// <param name="PayloadTypeInfo">
    /// How the payload is passed: null when the method takes none, "" for a <c>JsonElement</c>, else the expression of
    /// its <c>JsonTypeInfo</c> (<c>global::SlackKit.SocketMode.Payloads.SlackJsonContext.Default.AppMention</c>, or the
    /// app's own context's).
    /// </param>
    /// <param name="TakesContext">Whether it takes the <c>SlackContext</c>.</param>
    /// <param name="TakesCancellationToken">Whether its last parameter is a <c>CancellationToken</c>.</param>
    /// <param name="Return">What it returns.</param>
    internal sealed record RouteModel(
        RouteKind Kind,
        string Name,
        string Method,
        string? PayloadTypeInfo,
        bool TakesContext,
        bool TakesCancellationToken,
        RouteReturn Return) : IEquatable<RouteModel>;
}
