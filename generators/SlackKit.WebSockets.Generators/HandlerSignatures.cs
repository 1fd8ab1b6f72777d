using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SlackKit.WebSockets.Generators.Model;

namespace SlackKit.WebSockets.Generators
{
    /// <summary>
    /// The handler signatures the generator can call, in one place: the parser uses it to build models, and the
    /// analyzers use the same rules to report what it cannot call.
    /// </summary>
    internal static class HandlerSignatures
    {
        private const string CancellationToken = "global::System.Threading.CancellationToken";
        private const string ReadOnlyMemoryOfByte = "global::System.ReadOnlyMemory<byte>";
        private const string Task = "global::System.Threading.Tasks.Task";
        private const string ValueTask = "global::System.Threading.Tasks.ValueTask";
        private const string RuntimePrefix = "global::" + KnownNames.Namespace + ".";
        private const string Client = RuntimePrefix + "WebSocketClient";

        private static readonly Dictionary<string, Callback> AttributeCallbacks = new()
        {
            ["OnInitAttribute"] = Callback.Init,
            ["OnConnectAttribute"] = Callback.Connect,
            ["OnDisconnectAttribute"] = Callback.Disconnect,
            ["OnTextAttribute"] = Callback.Text,
            ["OnBinaryAttribute"] = Callback.Binary,
            ["OnPingAttribute"] = Callback.Ping,
            ["OnPongAttribute"] = Callback.Pong,
            ["OnCloseAttribute"] = Callback.Close,
            ["OnInfoAttribute"] = Callback.Info,
            ["OnTerminateAttribute"] = Callback.Terminate,
        };

        /// <summary>The callbacks the attributes on <paramref name="method"/> ask for, in attribute order.</summary>
        public static IEnumerable<Callback> GetCallbacks(IMethodSymbol method)
        {
            foreach (AttributeData attribute in method.GetAttributes())
            {
                if (attribute.AttributeClass is { } type
                    && type.ContainingNamespace?.ToDisplayString() == KnownNames.Namespace
                    && AttributeCallbacks.TryGetValue(type.Name, out Callback callback))
                {
                    yield return callback;
                }
            }
        }

        /// <summary>
        /// The model of <paramref name="method"/> as a <paramref name="callback"/> handler, or null when the generator
        /// cannot call it. For <c>[OnInfo]</c>, <paramref name="messageType"/> is the message type (the model's
        /// rank is left 0 for the caller, who sees the other handlers, to set).
        /// </summary>
        public static HandlerMethodModel? TryGetModel(IMethodSymbol method, Callback callback, out ITypeSymbol? messageType) =>
            TryGetModel(method, callback, out messageType, out _);

        /// <summary>As <see cref="TryGetModel(IMethodSymbol, Callback, out ITypeSymbol?)"/>, saying what is wrong when it returns null.</summary>
        public static HandlerMethodModel? TryGetModel(IMethodSymbol method, Callback callback, out ITypeSymbol? messageType, out string? problem)
        {
            messageType = null;
            problem = method switch
            {
                { IsStatic: true } => "a static method has no handler instance to run on",
                { IsGenericMethod: true } => "a generic method cannot be called without type arguments",
                { IsAbstract: true } => "an abstract method has no body to call",
                { ReturnsByRef: true } or { ReturnsByRefReadonly: true } => "a method that returns by reference is not supported",
                { MethodKind: not MethodKind.Ordinary } => "only ordinary methods can be handlers",
                _ when method.Parameters.Any(p => p.RefKind != RefKind.None) => "ref, out and in parameters are not supported",
                _ when method.Parameters.Any(p => p.IsParams) => "a params parameter is not supported",
                _ => null,
            };
            if (problem is not null)
            {
                return null;
            }

            if (!TryGetReturn(method.ReturnType, out ReturnWrapper wrapper, out ReturnValue value) || !ReturnAllowed(callback, wrapper, value))
            {
                problem = $"it returns {method.ReturnType.ToDisplayString()}";
                return null;
            }

            List<ITypeSymbol> parameters = method.Parameters.Select(p => p.Type).ToList();
            bool takesToken = parameters.Count > 0 && Name(parameters[parameters.Count - 1]) == CancellationToken && TokenAllowed(callback);
            if (takesToken)
            {
                parameters.RemoveAt(parameters.Count - 1);
            }

            bool takesClient = parameters.Count > 0 && Name(parameters[parameters.Count - 1]) == Client && ClientAllowed(callback);
            if (takesClient)
            {
                parameters.RemoveAt(parameters.Count - 1);
            }

            if (!TryGetInput(callback, parameters, out InputShape input, out messageType))
            {
                problem = parameters.Count == 0 && method.Parameters.Length == 0
                    ? "it takes no parameters"
                    : $"it takes ({string.Join(", ", method.Parameters.Select(p => p.Type.ToDisplayString()))})";
                return null;
            }

            return new HandlerMethodModel(
                callback,
                method.Name,
                input,
                takesClient,
                takesToken,
                wrapper,
                value,
                messageType is null ? null : Name(messageType),
                MessageTypeRank: 0);
        }

        /// <summary>
        /// Whether a message of type <paramref name="type"/> also matches <c>is <paramref name="other"/></c>: the
        /// same type, a base class, or an implemented interface.
        /// </summary>
        public static bool IsMatchedBy(ITypeSymbol type, ITypeSymbol other, Compilation compilation)
        {
            if (compilation is not CSharpCompilation csharp)
            {
                return false;
            }

            Conversion conversion = csharp.ClassifyConversion(type, other);
            return conversion.IsIdentity || (conversion.IsImplicit && (conversion.IsReference || conversion.IsBoxing));
        }

        /// <summary>What a <paramref name="callback"/> handler may look like, for diagnostics.</summary>
        public static string Describe(Callback callback)
        {
            const string Then = ", optionally followed by a WebSocketClient (the client, to send while the handler runs), then a CancellationToken";
            const string Frame = "; returns void, HandlerResult, WebSocketFrame, WebSocketFrame?, or a Task/ValueTask of these";
            return callback switch
            {
                Callback.Init => "no parameters; returns void or InitResult",
                Callback.Connect => "no parameters" + Then + Frame,
                Callback.Disconnect => "parameters () or (DisconnectReason)" + Then + "; returns DisconnectResult, Task<DisconnectResult> or ValueTask<DisconnectResult>",
                Callback.Text => "parameters (string) or (ReadOnlyMemory<byte>)" + Then + Frame,
                Callback.Binary => "parameters (ReadOnlyMemory<byte>)" + Then + Frame,
                Callback.Ping or Callback.Pong => "parameters () or (ReadOnlyMemory<byte>)" + Then + Frame,
                Callback.Close => "parameters (), (int code, string reason) or (int? code, string reason)" + Then + Frame,
                Callback.Info => "one parameter of the message type (not a nullable value type, pointer or ref struct)" + Then + Frame,
                _ => "parameters () or (TerminateReason); returns void, Task or ValueTask",
            };
        }

        private static bool TokenAllowed(Callback callback) => callback is not (Callback.Init or Callback.Terminate);

        /// <summary>[OnInit] runs inside Start (nothing to send on yet) and [OnTerminate] after the client is done.</summary>
        private static bool ClientAllowed(Callback callback) => callback is not (Callback.Init or Callback.Terminate);

        private static bool TryGetReturn(ITypeSymbol type, out ReturnWrapper wrapper, out ReturnValue value)
        {
            wrapper = ReturnWrapper.None;
            if (type is INamedTypeSymbol { IsGenericType: true, TypeArguments.Length: 1 } generic)
            {
                string definition = Name(generic.ConstructedFrom);
                if (definition == Task + "<TResult>")
                {
                    wrapper = ReturnWrapper.Task;
                    return TryGetValue(generic.TypeArguments[0], out value) && value != ReturnValue.Void;
                }

                if (definition == ValueTask + "<TResult>")
                {
                    wrapper = ReturnWrapper.ValueTask;
                    return TryGetValue(generic.TypeArguments[0], out value) && value != ReturnValue.Void;
                }
            }

            string name = Name(type);
            if (name == Task || name == ValueTask)
            {
                wrapper = name == Task ? ReturnWrapper.Task : ReturnWrapper.ValueTask;
                value = ReturnValue.Void;
                return true;
            }

            return TryGetValue(type, out value);
        }

        private static bool TryGetValue(ITypeSymbol type, out ReturnValue value)
        {
            value = Name(type) switch
            {
                "void" => ReturnValue.Void,
                RuntimePrefix + "HandlerResult" => ReturnValue.HandlerResult,
                RuntimePrefix + "WebSocketFrame" => ReturnValue.Frame,
                RuntimePrefix + "WebSocketFrame?" => ReturnValue.NullableFrame,
                RuntimePrefix + "InitResult" => ReturnValue.InitResult,
                RuntimePrefix + "DisconnectResult" => ReturnValue.DisconnectResult,
                _ => (ReturnValue)(-1),
            };
            return value >= 0;
        }

        private static bool ReturnAllowed(Callback callback, ReturnWrapper wrapper, ReturnValue value) => callback switch
        {
            Callback.Init => wrapper == ReturnWrapper.None && value is ReturnValue.Void or ReturnValue.InitResult,
            Callback.Disconnect => value == ReturnValue.DisconnectResult,
            Callback.Terminate => value == ReturnValue.Void,
            _ => value is ReturnValue.Void or ReturnValue.HandlerResult or ReturnValue.Frame or ReturnValue.NullableFrame,
        };

        private static bool TryGetInput(Callback callback, List<ITypeSymbol> parameters, out InputShape input, out ITypeSymbol? messageType)
        {
            input = InputShape.None;
            messageType = null;
            string[] names = parameters.Select(Name).ToArray();
            switch (callback)
            {
                case Callback.Init or Callback.Connect:
                    return names.Length == 0;
                case Callback.Disconnect:
                    input = names.Length == 1 ? InputShape.DisconnectReason : InputShape.None;
                    return names.Length == 0 || (names.Length == 1 && names[0] == RuntimePrefix + "DisconnectReason");
                case Callback.Terminate:
                    input = names.Length == 1 ? InputShape.TerminateReason : InputShape.None;
                    return names.Length == 0 || (names.Length == 1 && names[0] == RuntimePrefix + "TerminateReason");
                case Callback.Text:
                    input = names.Length == 1 && names[0] == "string" ? InputShape.String : InputShape.Memory;
                    return names.Length == 1 && (names[0] == "string" || names[0] == ReadOnlyMemoryOfByte);
                case Callback.Binary:
                    input = InputShape.Memory;
                    return names.Length == 1 && names[0] == ReadOnlyMemoryOfByte;
                case Callback.Ping or Callback.Pong:
                    input = names.Length == 1 ? InputShape.Memory : InputShape.None;
                    return names.Length == 0 || (names.Length == 1 && names[0] == ReadOnlyMemoryOfByte);
                case Callback.Close:
                    if (names.Length == 0)
                    {
                        return true;
                    }

                    input = names.Length == 2 && names[0] == "int?" ? InputShape.NullableCodeAndReason : InputShape.CodeAndReason;
                    return names.Length == 2 && (names[0] == "int" || names[0] == "int?") && names[1] == "string";
                case Callback.Info:
                    input = InputShape.Message;
                    if (parameters.Count != 1 || !IsMessageType(parameters[0]))
                    {
                        return false;
                    }

                    messageType = parameters[0].WithNullableAnnotation(NullableAnnotation.NotAnnotated);
                    return true;
                default:
                    return false;
            }
        }

        private static bool IsMessageType(ITypeSymbol type) =>
            type.TypeKind is TypeKind.Class or TypeKind.Struct or TypeKind.Interface or TypeKind.Enum or TypeKind.Array or TypeKind.Delegate
            && !type.IsRefLikeType
            && type.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T;

        /// <summary>The fully qualified name, as generated code spells it.</summary>
        public static string Name(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
    }
}
