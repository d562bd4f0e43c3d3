using System.Collections.Concurrent;
using System.Reflection;

namespace Hotline.Domain.Tickets;

/// <summary>
/// The one masking pass for a confidential requester (举报人保密), for a viewer who may not see them: every property
/// marked <see cref="RequesterContactAttribute"/> is masked by its kind whatever it holds, and every other text, in every
/// field of every change type (notes, replies, instructions, the registered description), has the requester's own
/// name, phone, email and credit code masked where they appear. It walks the change by reflection, so a change type
/// added later goes through it with no change here.
/// </summary>
public sealed class RequesterRedaction
{
    private static readonly ConcurrentDictionary<Type, (PropertyInfo Property, ContactKind? Kind)[]> Properties = new();

    private readonly (string Value, string Masked, StringComparison Comparison)[] replacements;

    private RequesterRedaction(Requester requester)
    {
        var list = new List<(string, string, StringComparison)>();
        void Add(string? value, ContactKind kind, int minLength, StringComparison comparison = StringComparison.Ordinal)
        {
            if (value is { Length: > 0 } v && v.Length >= minLength)
                list.Add((v, Masking.Mask(v, kind), comparison));
        }
        // A one-character name would mask that character everywhere; it is masked only where it is the whole field.
        Add(requester.Name, ContactKind.Name, 2);
        Add(requester.ContactPerson, ContactKind.Name, 2);
        Add(requester.Phone, ContactKind.Phone, 7);
        if (requester.Phone.Contains('-', StringComparison.Ordinal))
            Add(requester.Phone.Replace("-", "", StringComparison.Ordinal), ContactKind.Phone, 7); // a landline written without its dash
        Add(requester.Email, ContactKind.Email, 3, StringComparison.OrdinalIgnoreCase);
        Add(requester.CreditCode, ContactKind.CreditCode, 3, StringComparison.OrdinalIgnoreCase);
        replacements = list.OrderByDescending(r => r.Item1.Length).ToArray();
        Requester = requester;
    }

    /// <summary>The requester being protected (unmasked).</summary>
    public Requester Requester { get; }

    /// <summary>The pass for this viewer, or null when there is nothing to mask (not confidential, or a privileged viewer).</summary>
    public static RequesterRedaction? For(Requester requester, bool seesConfidential) =>
        requester.Confidential && !seesConfidential ? new RequesterRedaction(requester) : null;

    /// <summary>A text with the requester's identifiers masked where they appear.</summary>
    public string Text(string text)
    {
        foreach (var (value, masked, comparison) in replacements)
        {
            if (text.Contains(value, comparison))
                text = text.Replace(value, masked, comparison);
        }
        return text;
    }

    public string? OptionalText(string? text) => text is null ? null : Text(text);

    /// <summary>A copy of the change with every field masked; the change itself is not touched.</summary>
    public TicketChange Change(TicketChange change) => (TicketChange)Walk(change, kind: null)!;

    private object? Walk(object? value, ContactKind? kind)
    {
        switch (value)
        {
            case null:
                return null;
            case string s:
                return Text(kind is { } k ? Masking.Mask(s, k) : s); // what masking by kind keeps (an email's domain) is checked too
            case IReadOnlyList<string> list:
                return list.Select(s => (string)Walk(s, kind)!).ToList();
        }
        var type = value.GetType();
        if (type.IsPrimitive || type.IsEnum || value is DateTimeOffset or DateTime or decimal or Guid || value is System.Collections.IEnumerable)
            return value;
        var clone = type.GetMethod("<Clone>$")?.Invoke(value, null);
        if (clone is null)
            return value; // not a record: nothing of ours carries text in one
        foreach (var (property, contact) in Properties.GetOrAdd(type, Describe))
        {
            var before = property.GetValue(value);
            var after = Walk(before, contact);
            if (!Equals(before, after))
                property.SetValue(clone, after);
        }
        return clone;
    }

    /// <summary>The settable (init) properties of a record, with their contact kind when marked.</summary>
    private static (PropertyInfo, ContactKind?)[] Describe(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.CanWrite && p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .Select(p => (p, p.GetCustomAttribute<RequesterContactAttribute>()?.Kind))
            .ToArray();
}
