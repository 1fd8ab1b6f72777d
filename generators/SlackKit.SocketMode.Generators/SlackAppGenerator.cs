using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SlackKit.SocketMode.Generators.Model;

namespace SlackKit.SocketMode.Generators
{
    /// <summary>
    /// Implements <c>ISlackApp</c> for each <c>[SlackApp] partial class</c>: a switch from an envelope's route (event
    /// type, command, interaction type) to the method that handles it, reading the payload with source-generated JSON
    /// metadata. This file wires the pipeline, <c>.Parser.cs</c> makes the model, <c>.Emitter.cs</c> the source.
    /// Diagnostics come from the analyzers: the generator skips what it cannot use.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed partial class SlackAppGenerator : IIncrementalGenerator
    {
        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            // Only classes carrying [SlackApp] are looked at, and the transform leaves with strings and enums: an edit
            // in a method body or elsewhere leaves the model equal and every later step cached.
            IncrementalValuesProvider<SlackAppModel?> models = context.SyntaxProvider
                .ForAttributeWithMetadataName(
                    KnownNames.SlackAppAttribute,
                    predicate: static (node, _) => node is ClassDeclarationSyntax,
                    transform: static (context, cancellationToken) => Parser.Parse(context, cancellationToken))
                .WithTrackingName(TrackingNames.SlackAppModels);

            IncrementalValuesProvider<SlackAppModel> usable = models
                .Where(static model => model is not null)
                .Select(static (model, _) => model!)
                .WithTrackingName(TrackingNames.UsableSlackApps);

            context.RegisterSourceOutput(usable, static (output, model) => output.AddSource(model.HintName, Emitter.Emit(model)));
        }
    }
}
