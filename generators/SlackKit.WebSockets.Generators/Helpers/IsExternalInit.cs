// Lets records and init accessors compile for netstandard2.0, which does not have this type.
namespace System.Runtime.CompilerServices
{
    internal static class IsExternalInit
    {
    }
}
