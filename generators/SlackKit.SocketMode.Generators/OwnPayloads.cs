using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace SlackKit.SocketMode.Generators
{
    /// <summary>
    /// The payload types a [SlackApp] class brings itself: those its <c>[SlackApp(JsonContext = typeof(C))]</c> context
    /// serializes (<c>[JsonSerializable(typeof(T))]</c> on C), each read with <c>C.Default.{property}</c>.
    /// </summary>
    internal sealed class OwnPayloads
    {
        private static readonly OwnPayloads None = new(null, new Dictionary<ITypeSymbol, string>(SymbolEqualityComparer.Default));

        private readonly Dictionary<ITypeSymbol, string> _properties;

        private OwnPayloads(INamedTypeSymbol? context, Dictionary<ITypeSymbol, string> properties)
        {
            Context = context;
            _properties = properties;
        }

        /// <summary>The context, when the class names one.</summary>
        public INamedTypeSymbol? Context { get; }

        public static OwnPayloads Of(INamedTypeSymbol appClass)
        {
            AttributeData? app = appClass.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == KnownNames.SlackAppAttribute);
            if (app?.NamedArguments.FirstOrDefault(a => a.Key == "JsonContext").Value.Value is not INamedTypeSymbol context)
            {
                return None;
            }

            var properties = new Dictionary<ITypeSymbol, string>(SymbolEqualityComparer.Default);
            foreach (AttributeData serializable in context.GetAttributes())
            {
                if (serializable.AttributeClass?.ToDisplayString() != KnownNames.JsonSerializableAttribute
                    || serializable.ConstructorArguments.Length != 1
                    || serializable.ConstructorArguments[0].Value is not ITypeSymbol type)
                {
                    continue;
                }

                string? property = serializable.NamedArguments.FirstOrDefault(a => a.Key == "TypeInfoPropertyName").Value.Value as string;
                if (property is null && type is INamedTypeSymbol { IsGenericType: false })
                {
                    property = type.Name; // System.Text.Json's default for a non-generic type
                }

                if (property is not null && !properties.ContainsKey(type))
                {
                    properties.Add(type, property);
                }
            }

            return new OwnPayloads(context, properties);
        }

        /// <summary>How generated code reads a payload of <paramref name="type"/>: <c>global::C.Default.Property</c>.</summary>
        public bool TryGetTypeInfo(ITypeSymbol type, out string typeInfo)
        {
            if (Context is not null && _properties.TryGetValue(type, out string? property))
            {
                typeInfo = $"{Context.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)}.Default.{property}";
                return true;
            }

            typeInfo = "";
            return false;
        }
    }
}
