using System.Net.Http.Headers;

namespace Hotline.Tests.Infrastructure;

/// <summary>Small real files for attachment tests.</summary>
public static class Files
{
    /// <summary>A valid 1×1 PNG.</summary>
    public static readonly byte[] PngBytes = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");

    public static MultipartFormDataContent Png(string fileName) => Form(PngBytes, fileName, "image/png");

    public static MultipartFormDataContent Form(byte[] bytes, string fileName, string contentType)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        return new MultipartFormDataContent { { file, "file", fileName } };
    }
}
