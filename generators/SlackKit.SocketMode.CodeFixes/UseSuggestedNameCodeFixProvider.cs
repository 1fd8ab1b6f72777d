using System.Collections.Immutable;
using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SlackKit.SocketMode.Generators.Diagnostics;
using SlackKit.WebSockets.CodeFixes;

namespace SlackKit.SocketMode.CodeFixes
{
    /// <summary>
    /// SKSM001 and SKSM002: writes the name the analyzer suggests (the known event type a typo is one or two letters
    /// away from; the command with its slash, without spaces, in lowercase) in place of the attribute's argument.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseSuggestedNameCodeFixProvider)), Shared]
    public sealed class UseSuggestedNameCodeFixProvider : NodeCodeFixProvider<AttributeSyntax>
    {
        private const string SuggestionProperty = "Suggestion"; // DiagnosticDescriptors.SuggestionProperty

        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } =
            ImmutableArray.Create(DiagnosticIds.UnknownRouteName, DiagnosticIds.BadCommand);

        /// <inheritdoc/>
        protected override string Title(AttributeSyntax node) => "Use the suggested name";

        /// <inheritdoc/>
        protected override bool CanFix(AttributeSyntax node, Diagnostic diagnostic) =>
            diagnostic.Properties.TryGetValue(SuggestionProperty, out string? suggestion) && suggestion is not null
            && node.ArgumentList is { Arguments.Count: 1 };

        /// <inheritdoc/>
        protected override SyntaxNode Fix(AttributeSyntax node, Diagnostic diagnostic)
        {
            string suggestion = diagnostic.Properties[SuggestionProperty]!;
            AttributeArgumentSyntax argument = node.ArgumentList!.Arguments[0];
            return node.ReplaceNode(argument, argument.WithExpression(
                SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(suggestion)).WithTriviaFrom(argument.Expression)));
        }
    }
}
