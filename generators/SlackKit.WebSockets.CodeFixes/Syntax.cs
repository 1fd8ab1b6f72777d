using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SlackKit.WebSockets.CodeFixes
{
    /// <summary>Small syntax edits shared by the fixes.</summary>
    internal static class Syntax
    {
        /// <summary><paramref name="declaration"/> with <c>partial</c> last among its modifiers, keeping its trivia.</summary>
        public static TypeDeclarationSyntax WithPartial(TypeDeclarationSyntax declaration)
        {
            if (declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                return declaration;
            }

            SyntaxToken partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
            if (declaration.Modifiers.Count > 0)
            {
                return declaration.AddModifiers(partial);
            }

            // No modifiers: partial takes the keyword's leading trivia (indentation), and the keyword follows it.
            SyntaxToken keyword = declaration.Keyword;
            return declaration
                .WithKeyword(keyword.WithLeadingTrivia(SyntaxFactory.TriviaList()))
                .WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(keyword.LeadingTrivia)));
        }
    }
}
