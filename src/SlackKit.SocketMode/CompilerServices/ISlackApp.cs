using System.ComponentModel;

namespace SlackKit.SocketMode.CompilerServices;

/// <summary>
/// What the generator makes of a <see cref="SlackAppAttribute"/> class: the routes it has and the call of the method
/// for each. Written by the generator; a hand-written one works the same.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ISlackApp
{
    /// <summary>Whether a method handles <paramref name="name"/> (an event type, a command, an interaction type) of <paramref name="kind"/>.</summary>
    bool Handles(SlackRouteKind kind, string name);

    /// <summary>Calls the method for <paramref name="context"/>'s route; its <see cref="SlackResponse"/>, if it returns one.</summary>
    ValueTask<SlackResponse?> HandleAsync(SlackContext context, CancellationToken cancellationToken);
}
