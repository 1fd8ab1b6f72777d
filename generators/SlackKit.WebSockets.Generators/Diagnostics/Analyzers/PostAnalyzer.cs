using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using SlackKit.WebSockets.Generators.Model;

namespace SlackKit.WebSockets.Generators.Diagnostics.Analyzers
{
    /// <summary>
    /// SKWS009: <c>client.Post(message)</c> where the client's handler type is known and none of its <c>[OnInfo]</c>
    /// methods can take the message, which the client then ignores. The handler type is known for the client a
    /// handler method is given (a <c>WebSocketClient</c> parameter of a <c>[WebSocketHandler]</c> method), for
    /// <c>WebSocketClientService&lt;T&gt;.Client</c>, and for a local initialized with
    /// <c>WebSocketClient.Start(..., new T(...), ...)</c>. A message whose static type could still be an accepted type
    /// at run time (an <c>object</c>, a base class) is not reported.
    /// </summary>
    [DiagnosticAnalyzer(LanguageNames.CSharp)]
    public sealed class PostAnalyzer : DiagnosticAnalyzer
    {
        /// <inheritdoc/>
        public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
            ImmutableArray.Create(DiagnosticDescriptors.PostNobodyTakes);

        /// <inheritdoc/>
        public override void Initialize(AnalysisContext context)
        {
            context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
            context.EnableConcurrentExecution();
            context.RegisterCompilationStartAction(start =>
            {
                INamedTypeSymbol? client = start.Compilation.GetTypeByMetadataName(KnownNames.Namespace + ".WebSocketClient");
                if (client is null)
                {
                    return;
                }

                INamedTypeSymbol? service = start.Compilation.GetTypeByMetadataName(KnownNames.Namespace + ".Hosting.WebSocketClientService`1");
                start.RegisterOperationAction(c => AnalyzeInvocation(c, client, service), OperationKind.Invocation);
            });
        }

        private static void AnalyzeInvocation(OperationAnalysisContext context, INamedTypeSymbol client, INamedTypeSymbol? service)
        {
            var invocation = (IInvocationOperation)context.Operation;
            if (invocation.TargetMethod.Name != "Post"
                || !SymbolEqualityComparer.Default.Equals(invocation.TargetMethod.ContainingType, client)
                || invocation.Arguments.Length != 1
                || HandlerOf(invocation.Instance, client, service, context.CancellationToken) is not { } handler
                || !HandlerSymbols.IsHandlerClass(handler))
            {
                return;
            }

            ITypeSymbol? message = Unwrap(invocation.Arguments[0].Value)?.Type;
            if (message is null || message.TypeKind == TypeKind.Error)
            {
                return;
            }

            List<ITypeSymbol> taken = InfoTypes(handler, context.Compilation).ToList();
            Compilation compilation = context.Compilation;
            if (taken.Any(t => HandlerSignatures.IsMatchedBy(message, t, compilation) || HandlerSignatures.IsMatchedBy(t, message, compilation)))
            {
                return; // taken, or may be at run time
            }

            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.PostNobodyTakes,
                invocation.Syntax.GetLocation(),
                handler.Name,
                message.ToDisplayString(SymbolDisplayFormat.MinimallyQualifiedFormat)));
        }

        /// <summary>The message types of the [OnInfo] methods the generator can call.</summary>
        private static IEnumerable<ITypeSymbol> InfoTypes(INamedTypeSymbol handler, Compilation compilation)
        {
            foreach ((IMethodSymbol method, Callback callback) in HandlerSymbols.CallbackMethods(handler))
            {
                if (callback == Callback.Info && HandlerSignatures.TryGetModel(method, callback, out ITypeSymbol? type) is not null && type is not null)
                {
                    yield return type;
                }
            }
        }

        /// <summary>The handler type of the client <paramref name="instance"/> is, when the code says it.</summary>
        private static INamedTypeSymbol? HandlerOf(IOperation? instance, INamedTypeSymbol client, INamedTypeSymbol? service, System.Threading.CancellationToken cancellationToken)
        {
            switch (Unwrap(instance))
            {
                case IParameterReferenceOperation parameter
                    when parameter.Parameter.ContainingSymbol is IMethodSymbol method
                    && HandlerSignatures.GetCallbacks(method).Any():
                    return method.ContainingType; // the client the generator passes to a handler method is its own
                case IPropertyReferenceOperation { Property.Name: "Client" } property
                    when service is not null
                    && property.Property.ContainingType is { IsGenericType: true } owner
                    && SymbolEqualityComparer.Default.Equals(owner.OriginalDefinition, service):
                    return owner.TypeArguments[0] as INamedTypeSymbol;
                case ILocalReferenceOperation local when local.SemanticModel is { } model:
                    foreach (SyntaxReference reference in local.Local.DeclaringSyntaxReferences)
                    {
                        if (reference.GetSyntax(cancellationToken) is VariableDeclaratorSyntax { Initializer.Value: { } value }
                            && value.SyntaxTree == model.SyntaxTree
                            && Unwrap(model.GetOperation(value, cancellationToken)) is IInvocationOperation start
                            && start.TargetMethod.Name == "Start"
                            && SymbolEqualityComparer.Default.Equals(start.TargetMethod.ContainingType, client))
                        {
                            IArgumentOperation? handler = start.Arguments.FirstOrDefault(a => a.Parameter?.Name == "handler");
                            return Unwrap(handler?.Value) is IObjectCreationOperation { Type: INamedTypeSymbol created } ? created : null;
                        }
                    }

                    return null;
                default:
                    return null;
            }
        }

        private static IOperation? Unwrap(IOperation? operation)
        {
            while (operation is IConversionOperation { IsImplicit: true } conversion)
            {
                operation = conversion.Operand;
            }

            return operation;
        }
    }
}
