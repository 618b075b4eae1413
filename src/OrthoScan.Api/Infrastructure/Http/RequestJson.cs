using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace OrthoScan.Api.Infrastructure.Http;

/// <summary>
/// What every request body must be before a validator sees it, read from the C# types of our request records rather than
/// written into each validator. JSON ignores C# nullability, so without this a <c>null</c> item in a list reached a
/// handler that trusted the type (a 500), and a left-out enum or number became its default silently (a review without
/// an action approved the aligner). The rules, answered as a 400 naming each field:
/// <list type="bullet">
/// <item>A number, id, flag or enum property whose type is not nullable must be sent, unless its parameter has a
/// default value: left out, it cannot be told from its default.</item>
/// <item>A list or object property whose type is not nullable may not be null or left out. Text is left to the
/// validators (<c>NotEmpty</c>), so that a form's empty and left-out fields come back in one answer.</item>
/// <item>A list whose item type is not nullable may not hold null.</item>
/// <item>No text may contain U+0000: PostgreSQL cannot store it, and no field has a use for it.</item>
/// <item>Unknown properties are ignored, as the serializer does by default, so a field naming another practice has no effect.</item>
/// </list>
/// Lengths, ranges and formats stay with each slice's validator.
/// </summary>
public static class RequestJson
{
    public const string Required = "This field is required.";
    public const string NullItem = "Items may not be null.";
    public const string NulCharacter = "Text may not contain the NUL character (U+0000).";

    public static void Guard(JsonSerializerOptions json) =>
        json.TypeInfoResolver = (json.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(Apply);

    private sealed record Rule(string Name, Func<object, object?> Get, bool NullAllowed, bool NullItemsAllowed);

    private static void Apply(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object || type.Type.Assembly != typeof(RequestJson).Assembly) return;
        var rules = new List<Rule>();
        var nullability = new NullabilityInfoContext();
        foreach (var property in type.Properties)
        {
            if (property.Get is null) continue;
            var hasDefault = property.AssociatedParameter?.HasDefaultValue == true;
            var valueType = property.PropertyType.IsValueType;
            // Checked by the serializer itself: a left-out value has no null to see afterwards.
            if (valueType && Nullable.GetUnderlyingType(property.PropertyType) is null && property.AssociatedParameter is not null && !hasDefault)
                property.IsRequired = true;
            if (valueType) continue;
            var info = property.AttributeProvider switch
            {
                PropertyInfo p => nullability.Create(p),
                FieldInfo f => nullability.Create(f),
                _ => null,
            };
            var nullAllowed = hasDefault || property.PropertyType == typeof(string) || info is null || info.WriteState != NullabilityState.NotNull;
            var item = info?.ElementType ?? (info?.GenericTypeArguments is [var single] ? single : null);
            rules.Add(new(property.Name, property.Get, nullAllowed, item is null || item.ReadState != NullabilityState.NotNull));
        }
        if (rules.Count == 0) return;
        var then = type.OnDeserialized;
        type.OnDeserialized = value =>
        {
            Check(value, rules);
            then?.Invoke(value);
        };
    }

    private static void Check(object value, List<Rule> rules)
    {
        Dictionary<string, string[]>? errors = null;
        void Refuse(string field, string message) => (errors ??= new Dictionary<string, string[]>())[field] = [message];

        foreach (var rule in rules)
        {
            switch (rule.Get(value))
            {
                case null when !rule.NullAllowed:
                    Refuse(rule.Name, Required);
                    break;
                case string text when text.Contains('\0'):
                    Refuse(rule.Name, NulCharacter);
                    break;
                case IEnumerable items and not string:
                    var index = 0;
                    foreach (var item in items)
                    {
                        if (item is null && !rule.NullItemsAllowed) Refuse($"{rule.Name}[{index}]", NullItem);
                        if (item is string text && text.Contains('\0')) Refuse($"{rule.Name}[{index}]", NulCharacter);
                        index++;
                    }
                    break;
            }
        }
        if (errors is not null) throw new RequestFieldsException(errors);
    }
}

/// <summary>
/// Fields of one JSON object that break <see cref="RequestJson"/>'s rules, named relative to that object. The serializer
/// sets <see cref="JsonException.Path"/> to the object's own path, so the problem can name each field from the body's root.
/// </summary>
public sealed class RequestFieldsException(IReadOnlyDictionary<string, string[]> errors) : JsonException("The request has invalid fields.")
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}
