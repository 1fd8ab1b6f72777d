using System.Text;

namespace SlackKit.WebSockets.Generators.Helpers
{
    /// <summary>Writes C# source with four-space indentation and \n line endings, whatever the machine.</summary>
    internal sealed class SourceWriter
    {
        private readonly StringBuilder _builder = new();
        private int _indent;

        public void WriteLine(string line)
        {
            if (line.Length > 0)
            {
                _builder.Append(' ', _indent * 4);
                _builder.Append(line);
            }

            _builder.Append('\n');
        }

        public void WriteLine() => _builder.Append('\n');

        /// <summary>Writes <paramref name="line"/> then "{" and indents.</summary>
        public void OpenBlock(string line)
        {
            WriteLine(line);
            WriteLine("{");
            _indent++;
        }

        /// <summary>Outdents and writes "}" (plus <paramref name="suffix"/>).</summary>
        public void CloseBlock(string suffix = "")
        {
            _indent--;
            WriteLine("}" + suffix);
        }

        public void Indent() => _indent++;

        public void Outdent() => _indent--;

        public override string ToString() => _builder.ToString();
    }
}
