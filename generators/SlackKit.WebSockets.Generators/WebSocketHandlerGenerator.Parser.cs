using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using SlackKit.WebSockets.Generators.Helpers;
using SlackKit.WebSockets.Generators.Model;

namespace SlackKit.WebSockets.Generators
{
    public sealed partial class WebSocketHandlerGenerator
    {
        /// <summary>Symbols to model: everything the emitter needs, as strings and enums.</summary>
        internal static class Parser
        {
            public static HandlerClassModel? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
            {
                if (context.TargetSymbol is not INamedTypeSymbol type || !HandlerClassRules.CanImplement(type))
                {
                    return null;
                }

                var methods = new List<HandlerMethodModel>();
                var messageTypes = new List<ITypeSymbol>();
                foreach (IMethodSymbol method in HandlerClassRules.MethodsInSourceOrder(type))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    foreach (Callback callback in HandlerSignatures.GetCallbacks(method))
                    {
                        HandlerMethodModel? model = HandlerSignatures.TryGetModel(method, callback, out ITypeSymbol? messageType);
                        // The first method for a callback wins (for [OnInfo], the first for a message type); the
                        // analyzers report a second one as an error, so this choice never reaches a build.
                        if (model is not null && !methods.Any(m => m.Callback == callback && m.MessageType == model.MessageType))
                        {
                            methods.Add(model);
                            if (messageType is not null)
                            {
                                messageTypes.Add(messageType);
                            }
                        }
                    }
                }

                RankMessageTypes(methods, messageTypes, context.SemanticModel.Compilation);

                return new HandlerClassModel(
                    type.ContainingNamespace.IsGlobalNamespace ? null : type.ContainingNamespace.ToDisplayString(),
                    PartialTypes.ContainingTypes(type).Select(PartialTypes.Declaration).ToEquatableArray(),
                    PartialTypes.Declaration(type),
                    type.ToDisplayString(),
                    PartialTypes.HintName(type, "WebSocketHandler"),
                    methods.ToEquatableArray());
            }

            /// <summary>Sets each <c>[OnInfo]</c> model's rank: how many of the other message types its own type matches.</summary>
            private static void RankMessageTypes(List<HandlerMethodModel> methods, List<ITypeSymbol> messageTypes, Compilation compilation)
            {
                int info = 0;
                for (int i = 0; i < methods.Count; i++)
                {
                    if (methods[i].Callback != Callback.Info)
                    {
                        continue;
                    }

                    ITypeSymbol type = messageTypes[info++];
                    int rank = messageTypes.Count(other =>
                        !SymbolEqualityComparer.Default.Equals(type, other) && HandlerSignatures.IsMatchedBy(type, other, compilation));
                    methods[i] = methods[i] with { MessageTypeRank = rank };
                }
            }
        }
    }
}
