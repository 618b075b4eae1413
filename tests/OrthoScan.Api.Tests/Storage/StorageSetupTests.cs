using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OrthoScan.Api.Infrastructure.Storage;
using Shouldly;

namespace OrthoScan.Api.Tests.Storage;

/// <summary>OrthoScan:Storage picks the store and the key provider.</summary>
public sealed class StorageSetupTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        settings["OrthoScan:Secrets:MasterKey"] = Convert.ToBase64String(new byte[32]);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddBlobStorage(configuration).BuildServiceProvider();
    }

    [Fact]
    public void The_default_is_the_encrypted_file_store_with_the_master_key()
    {
        using var services = Build(new() { ["OrthoScan:Storage:LocalRoot"] = "/tmp/orthoscan-setup-test" });
        services.GetRequiredService<IBlobStore>().ShouldBeOfType<EncryptedFileBlobStore>().Root.ShouldBe("/tmp/orthoscan-setup-test");
        services.GetRequiredService<IKeyProvider>().ShouldBeOfType<LocalKeyProvider>();
    }

    [Fact]
    public void Kms_wraps_the_local_store_data_keys_when_asked()
    {
        using var services = Build(new() { ["OrthoScan:Storage:KeyProvider"] = "kms", ["OrthoScan:Storage:KmsKeyId"] = "alias/orthoscan", ["OrthoScan:Storage:KmsServiceUrl"] = "http://127.0.0.1:9" });
        services.GetRequiredService<IKeyProvider>().ShouldBeOfType<KmsKeyProvider>();
    }

    [Fact]
    public void S3_is_chosen_by_configuration_and_needs_a_bucket_and_a_KMS_key()
    {
        using (var services = Build(new() { ["OrthoScan:Storage:Provider"] = "s3", ["OrthoScan:Storage:Bucket"] = "photos", ["OrthoScan:Storage:KmsKeyId"] = "alias/orthoscan" }))
            services.GetRequiredService<IBlobStore>().ShouldBeOfType<S3BlobStore>();
        using (var services = Build(new() { ["OrthoScan:Storage:Provider"] = "s3", ["OrthoScan:Storage:Bucket"] = "photos" }))
            Should.Throw<InvalidOperationException>(() => services.GetRequiredService<IBlobStore>()).Message.ShouldContain("KmsKeyId");
        Should.Throw<InvalidOperationException>(() => Build(new() { ["OrthoScan:Storage:Provider"] = "ftp" }));
    }

    [Fact]
    public void The_local_stores_relative_links_have_no_origin_of_their_own_and_a_public_base_url_gives_its_origin()
    {
        StorageSetup.LinkOrigins(new StorageOptions()).ShouldBeEmpty("relative links are same-origin");
        StorageSetup.LinkOrigins(new StorageOptions { PublicBaseUrl = "https://files.orthoscan.test:8443/base/" })
            .ShouldBe(["https://files.orthoscan.test:8443"]);
        Should.Throw<InvalidOperationException>(() => StorageSetup.LinkOrigins(new StorageOptions { PublicBaseUrl = "files.orthoscan.test" }))
            .Message.ShouldContain("PublicBaseUrl");
    }

    [Theory]
    [InlineData(null, null, "https://orthoscan-photos.s3.eu-west-1.amazonaws.com")]
    [InlineData(null, true, "https://s3.eu-west-1.amazonaws.com")]
    [InlineData("http://127.0.0.1:4569", null, "http://127.0.0.1:4569")]
    public void With_s3_the_links_origin_is_the_one_of_the_buckets_pre_signed_links(string? serviceUrl, bool? forcePathStyle, string origin)
    {
        var options = new StorageOptions
        {
            Provider = "s3", Bucket = "orthoscan-photos", Region = "eu-west-1", ServiceUrl = serviceUrl, ForcePathStyle = forcePathStyle, KmsKeyId = "alias/orthoscan",
        };

        StorageSetup.LinkOrigins(options).ShouldBe([origin]);

        // The links the store hands out (upload and download) are on that origin.
        using var client = StorageSetup.CreateS3Client(options, new Amazon.Runtime.BasicAWSCredentials("test", "test"));
        using var store = new S3BlobStore(client, "orthoscan-photos", "alias/orthoscan", TimeProvider.System);
        store.CreateUpload("raw/photo.jpg", "image/jpeg", 1000, TimeSpan.FromMinutes(5)).Url.GetLeftPart(UriPartial.Authority).ShouldBe(origin);
        store.CreateDownloadUrl("raw/photo.jpg", TimeSpan.FromMinutes(5)).GetLeftPart(UriPartial.Authority).ShouldBe(origin);

        StorageSetup.LinkOrigins(new StorageOptions { Provider = "s3", Bucket = "orthoscan-photos", Region = "eu-west-1", PublicBaseUrl = "https://api.orthoscan.test" })
            .ShouldBe(["https://api.orthoscan.test", "https://orthoscan-photos.s3.eu-west-1.amazonaws.com"], "patient objects' links are the API's");
    }
}
