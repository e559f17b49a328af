using System.Text;
using SoftQDistributed.Shared.Checkpoints;

namespace SoftQDistributed.Tests.Checkpoints;

public sealed class SafetensorsOverflowTests
{
    [Fact]
    public void A_shape_whose_element_count_overflows_is_refused_clearly()
    {
        // [2^32, 2^32] wraps to 0 elements without checked arithmetic, which would "match" an empty byte range.
        byte[] header = Encoding.UTF8.GetBytes("""{"t":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}}""");
        byte[] file = [.. BitConverter.GetBytes((ulong)header.Length), .. header];
        var error = Assert.Throws<CheckpointException>(() => SafetensorsFile.Parse(file, "overflow"));
        Assert.Contains("too large", error.Message);
    }
}
