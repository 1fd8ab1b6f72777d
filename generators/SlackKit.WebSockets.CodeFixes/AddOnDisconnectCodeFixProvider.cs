using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace SlackKit.WebSockets.CodeFixes
{
    /// <summary>
    /// SKWS001: adds an [OnDisconnect] method that returns what the client does today without one, so that the
    /// behaviour is the same and now written down where it can be changed.
    /// </summary>
    [ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddOnDisconnectCodeFixProvider)), Shared]
    public sealed class AddOnDisconnectCodeFixProvider : CodeFixProvider
    {
        /// <inheritdoc/>
        public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create("SKWS001");

        /// <inheritdoc/>
        public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root?.FindToken(context.Span.Start).Parent?.FirstAncestorOrSelf<ClassDeclarationSyntax>() is not { } declaration)
            {
                return;
            }

            Diagnostic diagnostic = context.Diagnostics[0];
            diagnostic.Properties.TryGetValue("InitResult", out string? init);
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Add an [OnDisconnect] method that keeps today's behaviour",
                    cancellationToken => AddMethodAsync(context.Document, root, declaration, init, cancellationToken),
                    equivalenceKey: nameof(AddOnDisconnectCodeFixProvider)),
                diagnostic);
        }

        private static Task<Document> AddMethodAsync(Document document, SyntaxNode root, ClassDeclarationSyntax declaration, string? init, CancellationToken cancellationToken)
        {
            string result = init switch
            {
                "Reconnect" => "global::SlackKit.WebSockets.DisconnectResult.Reconnect",
                "Ok" or "Once" => "global::SlackKit.WebSockets.DisconnectResult.Close(reason.Message)",
                _ => "global::SlackKit.WebSockets.DisconnectResult.Default",
            };
            string name = UniqueName(declaration, "OnDisconnect");
            var method = (MethodDeclarationSyntax)SyntaxFactory.ParseMemberDeclaration(
                $"\n[global::SlackKit.WebSockets.OnDisconnect]\nprivate global::SlackKit.WebSockets.DisconnectResult {name}(global::SlackKit.WebSockets.DisconnectReason reason) => {result};\n")!;
            method = method.WithAdditionalAnnotations(Formatter.Annotation, Simplifier.Annotation);
            return Task.FromResult(document.WithSyntaxRoot(root.ReplaceNode(declaration, declaration.AddMembers(method))));
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
