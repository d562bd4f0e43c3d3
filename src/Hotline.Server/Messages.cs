namespace Hotline.Server;

/// <summary>Marker for the localized messages in Resources/Messages.resx (English) and Messages.zh-CN.resx.</summary>
public sealed class Messages;
