using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Keploy.Core.Tls;

/// <summary>
/// OpenSSL's subject name hash (<c>X509_NAME_hash_ex</c>, what <c>openssl x509 -hash</c> prints and what an <c>SSL_CERT_DIR</c>
/// lookup opens as <c>&lt;hash&gt;.0</c>): SHA-1 over the canonical encoding of the name (each RDN set re-encoded with string values
/// as UTF8String, trimmed, inner whitespace collapsed, ASCII lower-cased; no outer SEQUENCE header), first four bytes read
/// little-endian, printed as eight hex digits.
/// </summary>
public static class OpenSslSubjectHash
{
    /// <summary>The hash of the certificate's subject, e.g. <c>9d66eef0</c>. Throws <see cref="AsnContentException"/> on a malformed name.</summary>
    public static string Of(X509Certificate2 certificate) => Of(certificate.SubjectName);

    /// <summary>The hash of a distinguished name (see the type's summary).</summary>
    public static string Of(X500DistinguishedName name)
    {
        AsnReader sequence = new AsnReader(name.RawData, AsnEncodingRules.DER).ReadSequence();
        AsnWriter canon = new(AsnEncodingRules.DER);
        while (sequence.HasData)
        {
            AsnReader set = sequence.ReadSetOf(skipSortOrderValidation: true);
            using (canon.PushSetOf())
            {
                while (set.HasData)
                {
                    AsnReader attribute = set.ReadSequence();
                    string oid = attribute.ReadObjectIdentifier();
                    Asn1Tag tag = attribute.PeekTag();
                    using (canon.PushSequence())
                    {
                        canon.WriteObjectIdentifier(oid);
                        if (tag.TagClass == TagClass.Universal && IsString((UniversalTagNumber)tag.TagValue))
                        {
                            string text = attribute.ReadCharacterString((UniversalTagNumber)tag.TagValue);
                            canon.WriteCharacterString(UniversalTagNumber.UTF8String, Canonical(text));
                        }
                        else
                        {
                            canon.WriteEncodedValue(attribute.ReadEncodedValue().Span);
                        }
                    }
                }
            }
        }

        // SET OF sorts its elements in DER; OpenSSL keeps the entries' order inside a multi-valued RDN, which DER sorting only
        // changes for multi-valued RDNs (rare; not made by this tool).
        byte[] digest = SHA1.HashData(canon.Encode());
        uint h = (uint)(digest[0] | digest[1] << 8 | digest[2] << 16 | digest[3] << 24);
        return h.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static bool IsString(UniversalTagNumber tag) => tag is UniversalTagNumber.UTF8String or UniversalTagNumber.PrintableString
        or UniversalTagNumber.T61String or UniversalTagNumber.IA5String or UniversalTagNumber.BMPString or UniversalTagNumber.UniversalString
        or UniversalTagNumber.VisibleString;

    private static string Canonical(string text)
    {
        StringBuilder sb = new(text.Length);
        bool space = false;
        foreach (char c in text.Trim(' ', '\t', '\n', '\v', '\f', '\r'))
        {
            if (c is ' ' or '\t' or '\n' or '\v' or '\f' or '\r')
            {
                space = true;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c is >= 'A' and <= 'Z' ? (char)(c + 32) : c);
        }

        return sb.ToString();
    }
}
