using System.ComponentModel;

namespace SlackKit.SocketMode.CompilerServices;

/// <summary>
/// Turns what a handler method returns into what <see cref="ISlackApp.HandleAsync"/> returns, without an async
/// state machine when the method completed synchronously. Called by generated code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class SlackHandlerAdapters
{
    /// <summary>A method that returns <see cref="Task"/>.</summary>
    public static ValueTask<SlackResponse?> FromTask(Task task)
    {
        ArgumentNullException.ThrowIfNull(task, "the handler's Task");
        return task.IsCompletedSuccessfully ? default : Await(task);

        static async ValueTask<SlackResponse?> Await(Task task)
        {
            await task.ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>A method that returns <see cref="ValueTask"/>.</summary>
    public static ValueTask<SlackResponse?> FromValueTask(ValueTask task)
    {
        return task.IsCompletedSuccessfully ? default : Await(task);

        static async ValueTask<SlackResponse?> Await(ValueTask task)
        {
            await task.ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>A method that returns a <see cref="Task{TResult}"/> of a response.</summary>
    /// <typeparam name="T"><see cref="SlackResponse"/>, with or without its nullable annotation.</typeparam>
    public static ValueTask<SlackResponse?> FromTask<T>(Task<T> task)
        where T : class?
    {
        ArgumentNullException.ThrowIfNull(task, "the handler's Task");
        return task.IsCompletedSuccessfully ? new ValueTask<SlackResponse?>(task.Result as SlackResponse) : Await(task);

        static async ValueTask<SlackResponse?> Await(Task<T> task) => await task.ConfigureAwait(false) as SlackResponse;
    }

    /// <summary>A method that returns a <see cref="ValueTask{TResult}"/> of a response.</summary>
    /// <typeparam name="T"><see cref="SlackResponse"/>, with or without its nullable annotation.</typeparam>
    public static ValueTask<SlackResponse?> FromValueTask<T>(ValueTask<T> task)
        where T : class?
    {
        return task.IsCompletedSuccessfully ? new ValueTask<SlackResponse?>(task.Result as SlackResponse) : Await(task);

        static async ValueTask<SlackResponse?> Await(ValueTask<T> task) => await task.ConfigureAwait(false) as SlackResponse;
    }
}
