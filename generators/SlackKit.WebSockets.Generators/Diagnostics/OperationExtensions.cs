using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;

namespace SlackKit.WebSockets.Generators.Diagnostics
{
    internal static class OperationExtensions
    {
        /// <summary>
        /// Whether <paramref name="operation"/> sits in a lambda or local function (below <paramref name="root"/>, when
        /// given): code that may run elsewhere, or later, than the method around it.
        /// </summary>
        public static bool IsInsideFunction(this IOperation operation, IOperation? root = null)
        {
            for (IOperation? parent = operation.Parent; parent is not null && parent != root; parent = parent.Parent)
            {
                if (parent is IAnonymousFunctionOperation or ILocalFunctionOperation)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
