using System;
using SlackKit.WebSockets.Generators.Helpers;

namespace SlackKit.WebSockets.Generators.Model
{
    /// <summary>
    /// A <c>[WebSocketHandler]</c> class as the emitter needs it: names and shapes only, no Roslyn objects, so that
    /// equal classes give equal models and the pipeline caches them.
    /// </summary>
    /// <param name="Namespace">The namespace, or null for the global namespace.</param>
    /// <param name="ContainingTypes">The types it is nested in, outermost first, as their declarations begin ("partial class Outer").</param>
    /// <param name="Declaration">How the class is declared ("partial class EchoBot", "partial record Bot").</param>
    /// <param name="FullName">The fully qualified name, for comments.</param>
    /// <param name="HintName">The generated file's name.</param>
    /// <param name="Methods">The handler methods the generator can call, in declaration order.</param>
    internal sealed record HandlerClassModel(
        string? Namespace,
        EquatableArray<string> ContainingTypes,
        string Declaration,
        string FullName,
        string HintName,
        EquatableArray<HandlerMethodModel> Methods);

    /// <summary>One handler method the generator can call.</summary>
    /// <param name="Callback">Which callback it implements.</param>
    /// <param name="Name">The method's name.</param>
    /// <param name="Input">What it takes before its optional <c>CancellationToken</c>.</param>
    /// <param name="TakesClient">Whether it takes the <c>WebSocketClient</c> that calls it (after its input, before its token).</param>
    /// <param name="TakesCancellationToken">Whether its last parameter is a <c>CancellationToken</c>.</param>
    /// <param name="Wrapper">Whether it returns a task.</param>
    /// <param name="Value">What it returns (in the task).</param>
    /// <param name="MessageType">For <c>[OnInfo]</c>: the fully qualified type of the message.</param>
    /// <param name="MessageTypeRank">
    /// For <c>[OnInfo]</c>: how many of the class's other <c>[OnInfo]</c> types this one matches too (its base types
    /// and interfaces among them). A type ranks above each of its supertypes, so trying higher ranks first tries
    /// the most derived first.
    /// </param>
    internal sealed record HandlerMethodModel(
        Callback Callback,
        string Name,
        InputShape Input,
        bool TakesClient,
        bool TakesCancellationToken,
        ReturnWrapper Wrapper,
        ReturnValue Value,
        string? MessageType,
        int MessageTypeRank) : IEquatable<HandlerMethodModel>;
}
