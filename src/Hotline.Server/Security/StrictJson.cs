using System.Text.Json;
using System.Text.Json.Serialization;
using Hotline.Domain.Tickets;

namespace Hotline.Server.Security;

/// <summary>
/// The one place that decides what a JSON body may carry, for every HTTP body (the typed ticket action bodies included)
/// and every hub call: enums only as one of their names (any case) or a defined number, never <c>99</c>, <c>"99"</c> or
/// <c>"Complaint, Report"</c>; strings without control characters or bidirectional overrides (<see cref="TextRules"/>).
/// A refusal is a <see cref="JsonException"/>, which the serializer tags with the field's path and
/// <see cref="Problems.ProblemHandler"/> turns into a 400 naming that field.
/// </summary>
public static class StrictJson
{
    /// <summary>Adds the strict converters in front of any others (enums are then written by name as before).</summary>
    public static JsonSerializerOptions Apply(JsonSerializerOptions options)
    {
        options.Converters.Insert(0, new StrictEnumConverterFactory());
        options.Converters.Insert(1, new CleanStringConverter());
        options.Converters.Insert(2, new NoNullItemsConverterFactory());
        return options;
    }
}

/// <summary>Enums by defined name or defined number only.</summary>
public sealed class StrictEnumConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(StrictEnumConverter<>).MakeGenericType(typeToConvert))!;
}

public sealed class StrictEnumConverter<T> : JsonConverter<T> where T : struct, Enum
{
    private static readonly Dictionary<string, T> Names = Enum.GetValues<T>().ToDictionary(v => v.ToString(), StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<long, T> Numbers = Enum.GetValues<T>().ToDictionary(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture));

    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String && reader.GetString() is { } name && Names.TryGetValue(name, out var named))
            return named;
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var number) && Numbers.TryGetValue(number, out var numbered))
            return numbered;
        throw new JsonException($"Not one of the values of {typeof(T).Name}: {string.Join(", ", Enum.GetNames<T>())}.");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
    {
        if (Enum.IsDefined(value))
            writer.WriteStringValue(value.ToString());
        else
            writer.WriteNumberValue(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
    }

    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() is { } name && Names.TryGetValue(name, out var value)
            ? value
            : throw new JsonException($"Not one of the values of {typeof(T).Name}.");

    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value.ToString());
}

/// <summary>Strings as <see cref="TextRules"/> allows them; a malformed escape (a lone surrogate) is refused as well.</summary>
public sealed class CleanStringConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException("A text value is expected.");
        string value;
        try
        {
            value = reader.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new JsonException("The text is not valid Unicode.", e);
        }
        if (TextRules.FirstForbidden(value) is { } c)
            throw new ForbiddenCharacterJsonException(c);
        return value;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>A string with a character <see cref="TextRules"/> forbids; named in the 400 so the sender can find it.</summary>
public sealed class ForbiddenCharacterJsonException(int character) : JsonException($"The text contains the forbidden character {TextRules.Describe(character)}.")
{
    public string Character { get; } = TextRules.Describe(character);

    public int CodePoint { get; } = character;
}

/// <summary>
/// Lists of texts, codes or objects without null items: <c>["scjg", null]</c> is a 400 naming the item, never a null
/// that code written for the list's declared type trips over. Lists (<c>List&lt;T&gt;</c>, the read-only and collection
/// interfaces, arrays) of reference types only; a list itself may still be null where its property allows it.
/// </summary>
public sealed class NoNullItemsConverterFactory : JsonConverterFactory
{
    private static readonly HashSet<Type> Lists =
        [typeof(List<>), typeof(IList<>), typeof(IReadOnlyList<>), typeof(ICollection<>), typeof(IReadOnlyCollection<>), typeof(IEnumerable<>)];

    public override bool CanConvert(Type typeToConvert) => ItemType(typeToConvert) is { } item && !item.IsValueType;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(NoNullItemsConverter<,>).MakeGenericType(typeToConvert, ItemType(typeToConvert)!))!;

    public static Type? ItemType(Type type) =>
        type.IsArray && type.GetArrayRank() == 1 ? type.GetElementType()
        : type.IsGenericType && Lists.Contains(type.GetGenericTypeDefinition()) ? type.GetGenericArguments()[0]
        : null;
}

public sealed class NoNullItemsConverter<TList, TItem> : JsonConverter<TList> where TList : class, IEnumerable<TItem>
{
    public override TList? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException("A list is expected.");
        var items = new List<TItem>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.Null)
                throw new JsonException("A list may not hold null.");
            try
            {
                items.Add(JsonSerializer.Deserialize<TItem>(ref reader, options) ?? throw new JsonException("A list may not hold null."));
            }
            catch (ForbiddenCharacterJsonException e) when (e.Path is not null)
            {
                throw new ForbiddenCharacterJsonException(e.CodePoint); // without the inner read's path, so the list's own path is reported
            }
            catch (JsonException e) when (e.Path is not null)
            {
                throw new JsonException("An item of the list is not valid.", e);
            }
        }
        return typeof(TList).IsArray ? (TList)(object)items.ToArray() : (TList)(object)items;
    }

    public override void Write(Utf8JsonWriter writer, TList value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value)
            JsonSerializer.Serialize(writer, item, options);
        writer.WriteEndArray();
    }
}
