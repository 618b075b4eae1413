using System.Text;

namespace OrthoScan.Ml.Tests.Features;

/// <summary>
/// A tiny ONNX image "embedding" written byte by byte (the protobuf of onnx.proto), so no model is shipped: ReduceMean
/// over height and width, i.e. the mean red, green and blue of the photo, [1, 3, size, size] to [1, 3]. Without a size
/// the height and width are symbolic, so any size fits.
/// </summary>
public static class TinyOnnx
{
    public const string Input = "pixels";
    public const string Output = "channel_means";

    public static byte[] ChannelMeans(int? size = null)
    {
        var axes = Message(Field(1, "axes"), [.. Varint(8, 2), .. Varint(8, 3)], Varint(20, 7)); // INTS
        var keepDims = Message(Field(1, "keepdims"), Varint(3, 0), Varint(20, 2)); // INT
        var node = Message(Field(1, Input), Field(2, Output), Field(3, "means"), Field(4, "ReduceMean"), Field(5, axes), Field(5, keepDims));
        var graph = Message(
            Field(1, node), Field(2, "tiny-embedding"),
            Field(11, Tensor(Input, 1, 3, size ?? -1, size ?? -1)),
            Field(12, Tensor(Output, 1, 3)));
        return Message(
            Varint(1, 8), // ir_version
            Field(2, "orthoscan-tests"),
            Field(7, graph),
            Field(8, Message(Field(1, ""), Varint(2, 13)))); // opset 13: ReduceMean's axes are an attribute
    }

    /// <summary>A float tensor's type; a dimension of -1 is symbolic.</summary>
    private static byte[] Tensor(string name, params long[] dimensions)
    {
        var shape = Message([.. dimensions.Select((d, i) => Field(1, d < 0 ? Field(2, $"d{i}") : Varint(1, d))).SelectMany(f => f)]);
        var tensorType = Message(Varint(1, 1), Field(2, shape)); // elem_type FLOAT
        return Message(Field(1, name), Field(2, Message(Field(1, tensorType))));
    }

    private static byte[] Message(params byte[][] fields) => [.. fields.SelectMany(f => f)];

    private static byte[] Field(int number, string text) => Field(number, Encoding.UTF8.GetBytes(text));

    private static byte[] Field(int number, byte[] bytes) => [.. Key(number, 2), .. Raw((ulong)bytes.Length), .. bytes];

    private static byte[] Varint(int number, long value) => [.. Key(number, 0), .. Raw((ulong)value)];

    private static byte[] Key(int number, int wireType) => Raw((ulong)(number << 3 | wireType));

    private static byte[] Raw(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var low = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? low : (byte)(low | 0x80));
        } while (value != 0);
        return [.. bytes];
    }
}
