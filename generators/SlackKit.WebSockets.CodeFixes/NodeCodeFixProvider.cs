using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace SlackKit.WebSockets.CodeFixes
{
    /// <summary>
    /// A fix that replaces one syntax node: the nearest <typeparamref name="TNode"/> around the diagnostic. Each
    /// fixer says only what its fix is called and what the node becomes.
    /// </summary>
    public abstract class NodeCodeFixProvider<TNode> : CodeFixProvider
        where TNode : SyntaxNode
    {
        /// <inheritdoc/>
        public sealed override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

        /// <inheritdoc/>
        public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
        {
            SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
            if (root?.FindToken(context.Span.Start).Parent?.FirstAncestorOrSelf<TNode>() is not { } node)
            {
                return;
            }

            foreach (Diagnostic diagnostic in context.Diagnostics)
            {
                if (!CanFix(node, diagnostic))
                {
                    continue;
                }

                context.RegisterCodeFix(
                    CodeAction.Create(
                        Title(node),
                        _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(node, Fix(node, diagnostic)))),
                        equivalenceKey: GetType().Name),
                    diagnostic);
            }
        }

        /// <summary>Whether this diagnostic on <paramref name="node"/> has a fix (by default, every one does).</summary>
        protected virtual bool CanFix(TNode node, Diagnostic diagnostic) => true;

        /// <summary>What the fix is called in the IDE's menu.</summary>
        protected abstract string Title(TNode node);

        /// <summary>What <paramref name="node"/> becomes.</summary>
        protected abstract SyntaxNode Fix(TNode node, Diagnostic diagnostic);
    }
}
