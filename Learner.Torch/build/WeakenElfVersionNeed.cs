using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

/// <summary>
/// Sets VER_FLG_WEAK on one version need (an Elf64 Vernaux entry in the SHT_GNU_verneed section) of a shared library,
/// in place, when none of the system libraries listed provides that version. Idempotent; touches nothing else.
/// </summary>
public sealed class WeakenElfVersionNeed : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required] public string Library { get; set; }
    [Required] public string Version { get; set; }
    [Required] public string SystemLibraries { get; set; }
    [Output] public string Outcome { get; set; }

    public override bool Execute()
    {
        string system = SystemLibraries.Split(';').FirstOrDefault(File.Exists);
        if (system == null) { Outcome = "no system libstdc++ found among " + SystemLibraries + "; " + Library + " left as shipped"; return true; }
        if (Contains(File.ReadAllBytes(system), Encoding.ASCII.GetBytes(Version + "\0")))
        {
            Outcome = system + " provides " + Version + "; " + Path.GetFileName(Library) + " needs no patch";
            return true;
        }
        byte[] elf = File.ReadAllBytes(Library);
        int offset = FindVernaux(elf, Version);
        if (offset < 0) { Log.LogError(Library + " has no version need " + Version + "; the patch does not apply to this TorchSharp"); return false; }
        ushort flags = BitConverter.ToUInt16(elf, offset + 4);
        if ((flags & VerFlgWeak) != 0) { Outcome = Library + ": " + Version + " already weak"; return true; }
        BitConverter.GetBytes((ushort)(flags | VerFlgWeak)).CopyTo(elf, offset + 4);
        File.WriteAllBytes(Library, elf);
        Outcome = system + " lacks " + Version + ": marked that version need weak in " + Library;
        return true;
    }

    /// <summary>Byte offset of the Vernaux entry naming <paramref name="version"/>, or −1.</summary>
    private static int FindVernaux(byte[] elf, string version)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F' || elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("not a little-endian 64-bit ELF file");
        long shoff = BitConverter.ToInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A), shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            int sh = (int)(shoff + (long)i * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
            int section = (int)BitConverter.ToInt64(elf, sh + 0x18);
            int link = (int)BitConverter.ToUInt32(elf, sh + 0x28);
            int strtab = (int)BitConverter.ToInt64(elf, (int)(shoff + (long)link * shentsize) + 0x18);
            int need = section;
            while (true)
            {
                // Elf64_Verneed: vn_version u16, vn_cnt u16, vn_file u32, vn_aux u32, vn_next u32.
                int count = BitConverter.ToUInt16(elf, need + 2);
                int aux = need + (int)BitConverter.ToUInt32(elf, need + 8);
                for (int j = 0; j < count; j++)
                {
                    // Elf64_Vernaux: vna_hash u32, vna_flags u16, vna_other u16, vna_name u32, vna_next u32.
                    if (CString(elf, strtab + (int)BitConverter.ToUInt32(elf, aux + 8)) == version) return aux;
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                uint next = BitConverter.ToUInt32(elf, need + 12);
                if (next == 0) break;
                need += (int)next;
            }
        }
        return -1;
    }

    private static string CString(byte[] bytes, int start)
    {
        int end = Array.IndexOf(bytes, (byte)0, start);
        return Encoding.ASCII.GetString(bytes, start, end - start);
    }

    private static bool Contains(byte[] haystack, byte[] needle)
    {
        for (int i = 0; i <= haystack.Length - needle.Length; i++)
        {
            int k = 0;
            while (k < needle.Length && haystack[i + k] == needle[k]) k++;
            if (k == needle.Length) return true;
        }
        return false;
    }
}
