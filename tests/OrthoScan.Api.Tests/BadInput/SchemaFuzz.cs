using System.Text;
using System.Text.Json.Nodes;

namespace OrthoScan.Api.Tests.BadInput;

/// <summary>
/// One malformed request body. <see cref="MustRefuse"/> is false only for bodies the OpenAPI document allows (null where
/// the type is nullable, a left-out nullable property, an unknown property: ignored by policy, see docs/architecture.md),
/// which may succeed; every other case must be refused with a 400/422 problem naming <see cref="Field"/> when it has one.
/// </summary>
public sealed record BodyCase(string Name, string Body, string? Field, bool MustRefuse)
{
    public override string ToString() => Name;
}

/// <summary>
/// Derives malformed bodies from an operation's request schema in the OpenAPI document, starting from a valid body: each
/// property (nested objects and array items included) null, of each wrong JSON type, out of range, oversized, an unknown
/// enum value, left out; unknown properties; bodies that are not an object. Deterministic for a given seed.
/// </summary>
public sealed class SchemaFuzz(JsonObject document, int seed)
{
    public const int OversizedLength = 100_000;
    public const int HugeArrayLength = 10_000;

    private readonly Random _random = new(seed);

    public List<BodyCase> BodyCases(JsonObject schema, JsonObject valid)
    {
        var cases = new List<BodyCase>
        {
            new("body: null", "null", null, true),
            new("body: empty array", "[]", null, true),
            new("body: a string", "\"fuzz\"", null, true),
            new("body: a number", "42", null, true),
            new("body: true", "true", null, true),
            new("body: the valid body inside an array", new JsonArray(valid.DeepClone()).ToJsonString(), null, true),
            new("body: cut short", valid.ToJsonString()[..^1], null, true),
        };
        ObjectCases(Resolve(schema), valid, "", body => body, cases);
        return cases;
    }

    /// <summary>Cases for every property of the object at <paramref name="path"/>; <paramref name="rebuild"/> puts a changed
    /// copy of that object back into a copy of the whole body.</summary>
    private void ObjectCases(JsonObject schema, JsonObject valid, string path, Func<JsonObject, JsonNode> rebuild, List<BodyCase> cases)
    {
        var properties = schema["properties"]?.AsObject() ?? [];
        var required = schema["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToHashSet() ?? [];
        foreach (var (name, propertySchemaNode) in properties)
        {
            var propertySchema = propertySchemaNode!.AsObject();
            var field = path.Length == 0 ? name : $"{path}.{name}";
            JsonNode With(JsonNode? value)
            {
                var copy = valid.DeepClone().AsObject();
                copy[name] = value;
                return rebuild(copy);
            }

            foreach (var (label, value, mustRefuse) in ValuesFor(propertySchema, valid[name]))
                cases.Add(new($"{field}: {label}", With(value).ToJsonString(), field, mustRefuse));

            if (valid.ContainsKey(name))
            {
                var without = valid.DeepClone().AsObject();
                without.Remove(name);
                var mayBeLeftOut = !required.Contains(name) || IsNullable(propertySchema) || propertySchema.ContainsKey("default");
                cases.Add(new($"{field}: left out", rebuild(without).ToJsonString(), field, !mayBeLeftOut));
            }

            var core = Core(propertySchema);
            if (valid[name] is JsonObject nestedValid && IsObject(core))
                ObjectCases(core, nestedValid, field, nested => With(nested), cases);
            if (valid[name] is JsonArray { Count: > 0 } items && core["items"] is JsonObject itemSchemaNode)
            {
                var itemSchema = Resolve(itemSchemaNode);
                var itemField = $"{field}[0]";
                JsonNode WithItem(JsonNode? item)
                {
                    var array = items.DeepClone().AsArray();
                    array[0] = item;
                    return With(array);
                }
                foreach (var (label, value, mustRefuse) in ValuesFor(itemSchemaNode, items[0]))
                    cases.Add(new($"{itemField}: {label}", WithItem(value).ToJsonString(), itemField, mustRefuse));
                if (items[0] is JsonObject itemValid && IsObject(itemSchema))
                    ObjectCases(itemSchema, itemValid, itemField, item => WithItem(item), cases);
            }
        }

        var unknown = valid.DeepClone().AsObject();
        unknown["fuzzUnknownProperty"] = "ignored";
        unknown["practiceId"] = "0194b2a0-0000-7000-8000-0000000f0023";
        cases.Add(new($"{(path.Length == 0 ? "body" : path)}: unknown properties", rebuild(unknown).ToJsonString(), null, false));
    }

    /// <summary>Values for one property (or array item) of the given schema, each with whether the schema forbids it.</summary>
    private IEnumerable<(string Label, JsonNode? Value, bool MustRefuse)> ValuesFor(JsonObject schema, JsonNode? valid)
    {
        var core = Core(schema);
        var kind = KindOf(core);
        yield return ("null", null, !IsNullable(schema));

        foreach (var (type, value) in WrongTypes())
        {
            if (type == kind || (type == "number" && kind == "integer")) continue;
            yield return ($"a {type}", value, true);
        }

        switch (kind)
        {
            case "integer" when core["format"]?.GetValue<string>() == "int64":
                yield return ("long.MaxValue", JsonNode.Parse(long.MaxValue.ToString()), true);
                yield return ("long.MinValue", JsonNode.Parse(long.MinValue.ToString()), true);
                yield return ("beyond int64", JsonNode.Parse("9223372036854775808"), true);
                yield return ("a fraction", JsonValue.Create(1.5), true);
                yield return ("1e40", JsonNode.Parse("1e40"), true);
                break;
            case "integer":
                yield return ("int.MaxValue", JsonValue.Create(int.MaxValue), true);
                yield return ("int.MinValue", JsonValue.Create(int.MinValue), true);
                yield return ("beyond int32", JsonValue.Create(2147483648L), true);
                yield return ("below int32", JsonValue.Create(-2147483649L), true);
                yield return ("a fraction", JsonValue.Create(1.5), true);
                yield return ("1e40", JsonNode.Parse("1e40"), true);
                break;
            case "enum":
                yield return ("an unknown enum value", "definitely_not_a_value", true);
                yield return ("an empty enum value", "", true);
                yield return ("an enum value as its number", "1", true);
                break;
            case "string":
                foreach (var value in StringValues(core, valid)) yield return value;
                break;
            case "array":
                var itemSchema = core["items"]?.AsObject();
                var item = valid is JsonArray { Count: > 0 } a ? a[0] : null;
                if (itemSchema is not null && !IsNullable(itemSchema)) yield return ("[null]", new JsonArray((JsonNode?)null), true);
                if (item is not null)
                {
                    yield return ("[valid item, null]", new JsonArray(item.DeepClone(), null), itemSchema is null || !IsNullable(itemSchema));
                    yield return ($"{HugeArrayLength} items", new JsonArray(Enumerable.Range(0, HugeArrayLength).Select(_ => item.DeepClone()).ToArray()), true);
                    var wrongItem = KindOf(Core(itemSchema ?? [])) == "object" ? (JsonNode)JsonValue.Create(7) : new JsonObject();
                    yield return ("[valid item, wrong item type]", new JsonArray(item.DeepClone(), wrongItem), true);
                }
                break;
        }
    }

    private IEnumerable<(string Label, JsonNode? Value, bool MustRefuse)> StringValues(JsonObject schema, JsonNode? valid)
    {
        switch (schema["format"]?.GetValue<string>())
        {
            case "uuid":
                yield return ("not a uuid", "not-a-uuid", true);
                yield return ("a uuid with trailing junk", Guid.Empty + "x", true);
                break;
            case "date":
                yield return ("not a date", "12/04/1990", true);
                yield return ("an impossible date", "2021-02-30", true);
                yield return ("year 1", "0001-01-01", false);
                yield return ("year 9999", "9999-12-31", false);
                break;
            case "date-time":
                yield return ("not a date-time", "yesterday", true);
                yield return ("an impossible date-time", "2021-02-30T10:00:00Z", true);
                yield return ("the first instant east of UTC", "0001-01-01T00:00:00+14:00", false);
                yield return ("the last instant west of UTC", "9999-12-31T23:59:59-14:00", false);
                break;
            default:
                yield return ($"{OversizedLength} characters", RandomText(OversizedLength), true);
                var text = valid?.GetValueKind() == System.Text.Json.JsonValueKind.String ? valid.GetValue<string>() : "text";
                yield return ("a NUL character inside", text[..(text.Length / 2)] + "\0" + text[(text.Length / 2)..], true);
                break;
        }
    }

    private static IEnumerable<(string Type, JsonNode Value)> WrongTypes() =>
    [
        ("string", JsonValue.Create("fuzz")),
        ("number", JsonValue.Create(42)),
        ("boolean", JsonValue.Create(true)),
        ("object", new JsonObject { ["fuzz"] = 1 }),
        ("array", new JsonArray(1, 2)),
    ];

    private string RandomText(int length)
    {
        var text = new StringBuilder(length);
        for (var i = 0; i < length; i++) text.Append((char)('a' + _random.Next(26)));
        return text.ToString();
    }

    /// <summary>"object", "array", "string", "integer", "number", "boolean" or "enum" (a string from a fixed list).</summary>
    private static string KindOf(JsonObject schema)
    {
        if (schema.ContainsKey("enum")) return "enum";
        if (schema.ContainsKey("properties")) return "object";
        return schema["type"] switch
        {
            JsonValue single => single.GetValue<string>(),
            JsonArray types => types.Select(t => t!.GetValue<string>()).First(t => t != "null"),
            _ => "object",
        };
    }

    private static bool IsObject(JsonObject schema) => KindOf(schema) == "object";

    public static bool IsNullable(JsonObject schema) =>
        (schema["type"] is JsonArray types && types.Any(t => t!.GetValue<string>() == "null"))
        || (schema["oneOf"] is JsonArray options && options.Any(o => o!["type"]?.GetValue<string>() == "null"));

    /// <summary>The schema without its null option, with references resolved.</summary>
    private JsonObject Core(JsonObject schema)
    {
        if (schema["oneOf"] is JsonArray options) return Resolve(options.Select(o => o!.AsObject()).First(o => o["type"]?.GetValue<string>() != "null"));
        return Resolve(schema);
    }

    public JsonObject Resolve(JsonObject schema)
    {
        while (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            var name = reference["#/components/schemas/".Length..];
            schema = document["components"]!["schemas"]![name]!.AsObject();
        }
        return schema;
    }
}
