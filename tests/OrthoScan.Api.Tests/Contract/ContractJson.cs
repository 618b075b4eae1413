using System.Collections.Frozen;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Shouldly;

namespace OrthoScan.Api.Tests.Contract;

/// <summary>
/// How the tests read the API's published JSON into the contract records beside this file: camelCase members,
/// snake_case enum strings, instants in UTC ending in Z, every member a record names present (a nullable one may be
/// null), and no member the record does not name. A renamed, retyped, missing or extra field therefore fails the read,
/// with the record, the path and the body in the message. The conventions are written down here, not taken from the
/// API's own settings, so that a change of convention there is a contract change here.
/// </summary>
public static class ContractJson
{
    public static readonly JsonSerializerOptions Strict = CreateStrict();

    private static JsonSerializerOptions CreateStrict()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = false,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            AllowDuplicateProperties = false,
            NumberHandling = JsonNumberHandling.Strict,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
            Converters = { new SnakeCaseEnums(), new UtcInstants() },
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>Reads a body as <typeparamref name="T"/>, or fails the test naming what does not match.</summary>
    public static T Read<T>(string body)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, Strict)
                   ?? throw new ShouldAssertException($"The body is JSON null, not a {typeof(T).Name}.");
        }
        catch (JsonException e)
        {
            throw new ShouldAssertException($"The body does not read as {Name(typeof(T))}: {e.Message} (at {e.Path ?? "$"})\n{body}", e);
        }
    }

    /// <summary>A record as the API would have written it, for messages and for checks over the whole body.</summary>
    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Strict);

    /// <summary>
    /// The JSON members a strict read of <typeparamref name="T"/> accepts: a body with any other member fails it, so a
    /// test can show that a response carries nothing more (no token before MFA, no internals in a problem).
    /// </summary>
    public static IReadOnlyList<string> MembersOf<T>() => [.. Strict.GetTypeInfo(typeof(T)).Properties.Select(p => p.Name)];

    /// <summary>The wire name of a contract enum value, e.g. <c>buccal_l</c>.</summary>
    public static string Wire<TEnum>(TEnum value) where TEnum : struct, Enum => SnakeCaseEnums.NameOf(value);

    private static string Name(Type type) =>
        type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(Name))}>" : type.Name;

    /// <summary>
    /// Enum values exactly as the contract spells them (snake_case strings). Unlike the framework's converter this
    /// accepts no other casing, no C# member name and no number, so a renamed value is a failed read.
    /// </summary>
    private sealed class SnakeCaseEnums : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override System.Text.Json.Serialization.JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (System.Text.Json.Serialization.JsonConverter)Activator.CreateInstance(typeof(Exact<>).MakeGenericType(typeToConvert))!;

        public static string NameOf<TEnum>(TEnum value) where TEnum : struct, Enum => Exact<TEnum>.Names[value];

        private sealed class Exact<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
        {
            public static readonly FrozenDictionary<TEnum, string> Names =
                Enum.GetValues<TEnum>().ToFrozenDictionary(v => v, WireName);

            // An explicit [JsonStringEnumMemberName] wins over snake_case, as in the framework's converter (e.g. age band `12_17`).
            private static string WireName(TEnum value) =>
                typeof(TEnum).GetField(value.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name
                ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

            private static readonly FrozenDictionary<string, TEnum> Values = Names.ToFrozenDictionary(n => n.Value, n => n.Key, StringComparer.Ordinal);

            public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                if (reader.TokenType != JsonTokenType.String) throw new JsonException($"Expected a {typeof(TEnum).Name} string, found {reader.TokenType}.");
                var text = reader.GetString()!;
                return Values.TryGetValue(text, out var value)
                    ? value
                    : throw new JsonException($"'{text}' is not a {typeof(TEnum).Name} the contract names ({string.Join(", ", Values.Keys.Order(StringComparer.Ordinal))}).");
            }

            public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) => writer.WriteStringValue(Names[value]);
        }
    }

    /// <summary>Times are ISO 8601 in UTC with a Z: an instant with an offset or none at all is a contract change.</summary>
    private sealed class UtcInstants : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException($"Expected an ISO 8601 UTC string, found {reader.TokenType}.");
            var text = reader.GetString()!;
            if (!text.EndsWith('Z')) throw new JsonException($"'{text}' is not an instant in UTC ending in Z.");
            var instant = reader.GetDateTime();
            return instant.Kind == DateTimeKind.Utc ? instant : throw new JsonException($"'{text}' did not read as UTC.");
        }

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
    }
}
