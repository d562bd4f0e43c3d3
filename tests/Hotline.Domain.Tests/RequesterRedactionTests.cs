using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hotline.Domain.Tickets;

namespace Hotline.Domain.Tests;

/// <summary>
/// The one masking pass (举报人保密) reaches every field of every change type: a change type added later cannot skip it,
/// because these specifications build one of each by reflection, with the reporter's identifiers in every text.
/// </summary>
public class RequesterRedactionTests
{
    private static readonly Requester Reporter = new()
    {
        Kind = RequesterKind.Enterprise, Name = "常州市恒远精密机械有限公司", Phone = "0519-86001234", Email = "li.xiaolong@hengyuan.example.com",
        CreditCode = "91110108551385082Q", ContactPerson = "李小龙", Confidential = true,
    };

    /// <summary>Each way the reporter can be named; none may survive the pass.</summary>
    private static readonly string[] Identifiers =
        [Reporter.Name, Reporter.Phone, "051986001234", Reporter.Email!, Reporter.CreditCode!, Reporter.ContactPerson!];

    private static readonly string Text = $"已联系{Reporter.ContactPerson}（{Reporter.Name}），电话{Reporter.Phone}、051986001234，邮箱 {Reporter.Email}，信用代码 {Reporter.CreditCode}。";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private static readonly string[] ContactWords = ["Email", "Phone", "CreditCode", "ContactPerson"];

    private static IEnumerable<Type> DerivedTypes => typeof(TicketChange).GetCustomAttributes<JsonDerivedTypeAttribute>().Select(a => a.DerivedType);

    public static TheoryData<Type> ChangeTypes() => new(DerivedTypes);

    [Theory]
    [MemberData(nameof(ChangeTypes))]
    public void Every_change_type_is_masked_in_every_field(Type type)
    {
        var change = (TicketChange)Build(type);
        var before = JsonSerializer.Serialize(change, Json);

        var masked = RequesterRedaction.For(Reporter, seesConfidential: false)!.Change(change);

        var json = JsonSerializer.Serialize(masked, Json);
        foreach (var identifier in Identifiers)
            Assert.DoesNotContain(identifier, json, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(type, masked.GetType());
        Assert.Equal(before, JsonSerializer.Serialize(change, Json)); // the stored change is not touched
    }

    [Fact]
    public void Every_change_type_is_covered_by_the_walk() =>
        Assert.Equal(typeof(TicketChange).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(TicketChange)) && !t.IsAbstract).OrderBy(t => t.Name),
            DerivedTypes.OrderBy(t => t.Name));

    [Fact]
    public void A_property_named_like_contact_data_is_marked_as_such()
    {
        var unmarked = DerivedTypes.SelectMany(Properties)
            .Where(p => p.PropertyType == typeof(string) && ContactWords.Any(n => p.Name.Contains(n, StringComparison.Ordinal)))
            .Where(p => p.GetCustomAttribute<RequesterContactAttribute>() is null)
            .Select(p => $"{p.DeclaringType!.Name}.{p.Name}");
        Assert.Empty(unmarked);
    }

    [Fact]
    public void The_registered_requester_is_masked_as_the_ticket_shows_it()
    {
        var registered = new Registered("HL20261122000001", Given.Draft() with { Requester = Reporter });

        var masked = (Registered)RequesterRedaction.For(Reporter, seesConfidential: false)!.Change(registered);

        Assert.Equal(Reporter.ForViewer(seesConfidential: false), masked.Draft.Requester);
    }

    [Fact]
    public void Contact_fields_are_masked_whatever_they_hold()
    {
        var message = new RequesterMessageAdded("补充材料已发送。", RequesterMessageChannel.Email, FromEmail: "another.box@example.net");

        var masked = (RequesterMessageAdded)RequesterRedaction.For(Reporter, seesConfidential: false)!.Change(message);

        Assert.Equal("a***@example.net", masked.FromEmail);
        Assert.Equal("补充材料已发送。", masked.Text);
    }

    [Fact]
    public void Nothing_is_masked_for_privileged_viewers_or_ordinary_requesters()
    {
        Assert.Null(RequesterRedaction.For(Reporter, seesConfidential: true));
        Assert.Null(RequesterRedaction.For(Reporter with { Confidential = false }, seesConfidential: false));
    }

    [Fact]
    public void A_one_character_name_is_not_masked_inside_other_words()
    {
        var redaction = RequesterRedaction.For(Given.Citizen() with { Name = "王", Confidential = true }, seesConfidential: false)!;

        Assert.Equal("王府井大街", redaction.Text("王府井大街"));
        Assert.Equal("138****5678", redaction.Text("13812345678"));
    }

    private static IEnumerable<PropertyInfo> Properties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).SelectMany(p =>
            p.PropertyType.IsClass && p.PropertyType != typeof(string) && p.PropertyType.Namespace == typeof(TicketChange).Namespace
                ? Properties(p.PropertyType).Prepend(p) : [p]);

    /// <summary>An instance of a change type (or a record inside one) with every field filled: texts name the reporter.</summary>
    private static object Build(Type type)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        var instance = constructor.Invoke(constructor.GetParameters().Select(p => Value(p.ParameterType)).ToArray());
        foreach (var property in type.GetProperties().Where(p => p.CanWrite && p.GetValue(instance) is null or ""))
            property.SetValue(instance, Value(property.PropertyType));
        return instance;
    }

    private static object? Value(Type type)
    {
        var inner = Nullable.GetUnderlyingType(type) ?? type;
        if (inner == typeof(string))
            return Text;
        if (inner == typeof(Requester))
            return Reporter;
        if (inner.IsEnum)
            return Enum.GetValues(inner).GetValue(0);
        if (inner == typeof(bool))
            return true;
        if (inner == typeof(int) || inner == typeof(long))
            return Convert.ChangeType(1, inner, System.Globalization.CultureInfo.InvariantCulture);
        if (inner == typeof(DateTimeOffset))
            return Given.Morning;
        if (inner == typeof(IReadOnlyList<string>))
            return new List<string> { Text };
        if (inner == typeof(IReadOnlyList<long>))
            return new List<long> { 1 };
        if (inner.IsClass && inner.Namespace == typeof(TicketChange).Namespace)
            return Build(inner);
        throw new InvalidOperationException($"No sample value for {type}: teach the test, then the pass will be checked for it too.");
    }
}
