using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using SlackKit.WebSockets.Generators.Diagnostics;

namespace SlackKit.WebSockets.CodeFixes
{
    /// <summary>
    /// SKWS001: adds an [OnDisconnect] method that returns what the client does today without one, so that the
    /// behaviour is the same and now written down where it can be changed.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddOnDisconnectCodeFixProvider)), Shared]
    public sealed class AddOnDisconnectCodeFixProvider : NodeCodeFixProvider<ClassDeclarationSyntax>
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(DiagnosticIds.MissingOnDisconnect);

        /// <inheritdoc/>
        protected override string Title(ClassDeclarationSyntax node) => "Add an [OnDisconnect] method that keeps today's behaviour";

        /// <inheritdoc/>
        protected override SyntaxNode Fix(ClassDeclarationSyntax node, Diagnostic diagnostic)
        {
            // The analyzer says, in the "InitResult" property, what the client does today.
            diagnostic.Properties.TryGetValue("InitResult", out string? init);
            string result = init switch
            {
                "Reconnect" => "global::SlackKit.WebSockets.DisconnectResult.Reconnect",
                "Ok" or "Once" => "global::SlackKit.WebSockets.DisconnectResult.Close(reason.Message)",
                _ => "global::SlackKit.WebSockets.DisconnectResult.Default",
            };
            var method = (MethodDeclarationSyntax)SyntaxFactory.ParseMemberDeclaration(
                $"\n[global::SlackKit.WebSockets.OnDisconnect]\nprivate global::SlackKit.WebSockets.DisconnectResult {UniqueName(node, "OnDisconnect")}(global::SlackKit.WebSockets.DisconnectReason reason) => {result};\n")!;
            return node.AddMembers(method.WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation));
        }

        private static string UniqueName(ClassDeclarationSyntax declaration, string name)
        {
            var taken = declaration.Members.OfType<MethodDeclarationSyntax>().Select(m => m.Identifier.Text).ToImmutableHashSet();
            string candidate = name;
            for (int i = 2; taken.Contains(candidate); i++)
            {
                candidate = name + i;
            }

            return candidate;
        }
    }
}
