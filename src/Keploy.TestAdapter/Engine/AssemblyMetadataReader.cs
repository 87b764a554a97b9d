using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Keploy.TestAdapter.Engine;

/// <summary>
/// Reads <c>[assembly: AssemblyMetadata(key, value)]</c> from a dll without loading it (ECMA-335 II.23.3 custom attribute blob:
/// prolog 0x0001, then two SerStrings).
/// </summary>
internal static class AssemblyMetadataReader
{
    /// <summary>Key/value pairs of every AssemblyMetadataAttribute; empty when the file is missing or not a .NET assembly.</summary>
    public static IReadOnlyDictionary<string, string?> Read(string assemblyPath)
    {
        Dictionary<string, string?> result = new(StringComparer.Ordinal);
        if (!File.Exists(assemblyPath))
        {
            return result;
        }

        try
        {
            using FileStream stream = File.OpenRead(assemblyPath);
            using PEReader pe = new(stream);
            if (!pe.HasMetadata)
            {
                return result;
            }

            MetadataReader reader = pe.GetMetadataReader();
            foreach (CustomAttributeHandle handle in reader.GetAssemblyDefinition().GetCustomAttributes())
            {
                CustomAttribute attribute = reader.GetCustomAttribute(handle);
                if (!IsAssemblyMetadataAttribute(reader, attribute))
                {
                    continue;
                }

                BlobReader blob = reader.GetBlobReader(attribute.Value);
                if (blob.ReadUInt16() != 1)
                {
                    continue;
                }

                string? key = blob.ReadSerializedString();
                string? value = blob.ReadSerializedString();
                if (key is not null)
                {
                    result[key] = value;
                }
            }
        }
        catch (BadImageFormatException)
        {
            // Not a managed assembly: no metadata.
        }

        return result;
    }

    private static bool IsAssemblyMetadataAttribute(MetadataReader reader, CustomAttribute attribute)
    {
        if (attribute.Constructor.Kind != HandleKind.MemberReference)
        {
            return false;
        }

        MemberReference ctor = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
        if (ctor.Parent.Kind != HandleKind.TypeReference)
        {
            return false;
        }

        TypeReference type = reader.GetTypeReference((TypeReferenceHandle)ctor.Parent);
        return reader.StringComparer.Equals(type.Name, "AssemblyMetadataAttribute")
            && reader.StringComparer.Equals(type.Namespace, "System.Reflection");
    }
}
