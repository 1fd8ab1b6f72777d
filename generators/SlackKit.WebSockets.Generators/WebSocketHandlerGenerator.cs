using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SlackKit.WebSockets.Generators.Model;

namespace SlackKit.WebSockets.Generators
{
    /// <summary>
    /// Implements <c>IWebSocketHandler</c> for each <c>[WebSocketHandler] partial class</c>, from its <c>[OnText]</c>,
    /// <c>[OnConnect]</c>... methods. The pipeline is split by phase: this file wires it, <c>.Parser.cs</c> turns
    /// symbols into an equatable model, <c>.Emitter.cs</c> turns the model into source. Diagnostics come from the
    /// analyzers: the generator skips what it cannot use.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class WebSocketHandlerGenerator : IIncrementalGenerator
    {
        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            // ForAttributeWithMetadataName looks only at classes carrying the attribute, and the transform leaves with
            // a model of strings and enums: no symbol or syntax node outlives this step, so an edit elsewhere, or in
            // a method body, leaves the model equal and every later step cached.
            IncrementalValuesProvider<HandlerClassModel?> models = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    KnownNames.WebSocketHandlerAttribute,
                    predicate: static (node, _) => node is ClassDeclarationSyntax,
                    transform: static (context, cancellationToken) => Parser.Parse(context, cancellationToken))
                .WithTrackingName(TrackingNames.HandlerModels);

            // A class the generator cannot implement (not partial, generic...) is the analyzers' to report.
            IncrementalValuesProvider<HandlerClassModel> usable = models
                .Where(static model => model is not null)
                .Select(static (model, _) => model!)
                .WithTrackingName(TrackingNames.UsableHandlers);

            context.RegisterSourceOutput(usable, static (output, model) =>
                output.AddSource(model.HintName, Emitter.Emit(model)));
        }
    }
}
