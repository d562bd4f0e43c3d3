using System.Text.Json;
using System.Text.Json.Serialization;
using Hotline.Domain.Tickets;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Hotline.Server.Tickets;

/// <summary>
/// The body of one action on <c>POST /api/tickets/{number}/actions/{action}</c>: the action's change record's fields
/// and <c>expectedVersion</c> (the version the caller read), side by side in one flat JSON object, as clients have always
/// sent it. The change record stays the domain's type; the version is the application's.
/// </summary>
[JsonConverter(typeof(ActionBodyConverterFactory))]
public sealed record ActionBody<TChange>(TChange Change, int? ExpectedVersion) where TChange : TicketChange;

/// <summary>Reads the flat body: <c>expectedVersion</c> beside the change's own fields, bound with the HTTP JSON options.</summary>
public sealed class ActionBodyConverterFactory : JsonConverterFactory
{
    public const string ExpectedVersion = "expectedVersion";

    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(ActionBody<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class Converter<TChange> : JsonConverter<ActionBody<TChange>> where TChange : TicketChange
    {
        public override ActionBody<TChange> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var body = document.RootElement;
            if (body.ValueKind != JsonValueKind.Object)
                throw new JsonException("The body must be a JSON object.", "$", null, null);
            int? expected = null;
            if (body.TryGetProperty(ExpectedVersion, out var v))
            {
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n))
                    throw new JsonException("expectedVersion must be an integer.", "$." + ExpectedVersion, null, null);
                expected = n;
            }
            var change = body.Deserialize<TChange>(options) ?? throw new JsonException("Empty body.", "$", null, null);
            return new ActionBody<TChange>(change, expected);
        }

        public override void Write(Utf8JsonWriter writer, ActionBody<TChange> value, JsonSerializerOptions options)
        {
            var node = JsonSerializer.SerializeToNode(value.Change, options)!.AsObject();
            if (value.ExpectedVersion is { } version)
                node[ExpectedVersion] = version;
            node.WriteTo(writer, options);
        }
    }

    /// <summary>
    /// The OpenAPI schema of each action's body: its change record's schema (generated from the record, so it cannot
    /// drift) with <c>expectedVersion</c> added and required.
    /// </summary>
    public static async Task DescribeAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonTypeInfo.Type;
        if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(ActionBody<>))
            return;
        var change = await context.GetOrCreateSchemaAsync(type.GetGenericArguments()[0], null, ct);
        schema.Type = JsonSchemaType.Object;
        schema.Description = "The action's fields and expectedVersion, the ticket version the caller read.";
        schema.Properties = new Dictionary<string, IOpenApiSchema>(change.Properties ?? new Dictionary<string, IOpenApiSchema>())
        {
            [ExpectedVersion] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "The version the caller read; a stale one gets 409 with currentVersion." },
        };
        schema.Required = new HashSet<string>(change.Required ?? new HashSet<string>()) { ExpectedVersion };
    }
}
