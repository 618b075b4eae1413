using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using OrthoScan.Api.Infrastructure.Storage;
using OrthoScan.Api.Tests.Infrastructure;
using Shouldly;
using WireMock.RequestBuilders;
using WireMock.Server;
using static OrthoScan.Api.Tests.Storage.StorageTestKit;
using WireMockResponse = WireMock.ResponseBuilders.Response;

namespace OrthoScan.Api.Tests.Storage;

/// <summary>
/// The KMS key provider against a fake KMS on loopback (no KMS emulator exists here): the AWS SDK's real JSON 1.1
/// calls, TrentService.GenerateDataKey and TrentService.Decrypt, answered by WireMock.
/// </summary>
public sealed class KmsKeyProviderTests : IDisposable
{
    private const string KeyId = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private const string AmzJson = "application/x-amz-json-1.1";
    private readonly byte[] _plaintext = RandomBytes(32);
    private readonly byte[] _wrapped = RandomBytes(184);
    private readonly WireMockServer _kms;
    private readonly KmsKeyProvider _provider;

    public KmsKeyProviderTests()
    {
        _kms = LoopbackFake.Start();
        _kms.Given(Request.Create().WithPath("/").UsingPost().WithHeader("X-Amz-Target", "TrentService.GenerateDataKey"))
            .RespondWith(WireMockResponse.Create().WithStatusCode(200).WithHeader("Content-Type", AmzJson)
                .WithBody(new JsonObject { ["KeyId"] = KeyId, ["Plaintext"] = Convert.ToBase64String(_plaintext), ["CiphertextBlob"] = Convert.ToBase64String(_wrapped) }.ToJsonString()));
        _kms.Given(Request.Create().WithPath("/").UsingPost().WithHeader("X-Amz-Target", "TrentService.Decrypt")
                .WithBody((string? body) => body is not null && body.Contains(Convert.ToBase64String(_wrapped), StringComparison.Ordinal)))
            .AtPriority(1)
            .RespondWith(WireMockResponse.Create().WithStatusCode(200).WithHeader("Content-Type", AmzJson)
                .WithBody(new JsonObject { ["KeyId"] = KeyId, ["Plaintext"] = Convert.ToBase64String(_plaintext), ["EncryptionAlgorithm"] = "SYMMETRIC_DEFAULT" }.ToJsonString()));
        _kms.Given(Request.Create().WithPath("/").UsingPost().WithHeader("X-Amz-Target", "TrentService.Decrypt"))
            .AtPriority(2)
            .RespondWith(WireMockResponse.Create().WithStatusCode(400).WithHeader("Content-Type", AmzJson)
                .WithBody("""{"__type":"InvalidCiphertextException","message":"The ciphertext is invalid."}"""));

        var options = new StorageOptions { KeyProvider = "kms", KmsKeyId = KeyId, KmsServiceUrl = _kms.Url, Region = "eu-west-1" };
        _provider = new KmsKeyProvider(StorageSetup.CreateKmsClient(options, new BasicAWSCredentials("test", "test")), KeyId, ownsClient: true);
    }

    public void Dispose()
    {
        _provider.Dispose();
        _kms.Stop();
        _kms.Dispose();
    }

    [Fact]
    public async Task Generates_a_data_key_with_the_configured_key_and_unwraps_it()
    {
        var key = await _provider.GenerateDataKeyAsync(default);
        key.Plaintext.ShouldBe(_plaintext);
        key.Wrapped.ShouldBe(_wrapped);
        (await _provider.DecryptDataKeyAsync(key.Wrapped, default)).ShouldBe(_plaintext);

        var calls = _kms.LogEntries.Select(e => e.RequestMessage).ToList();
        calls.Count.ShouldBe(2);
        foreach (var call in calls)
        {
            call.Headers!["Content-Type"].ShouldHaveSingleItem().ShouldStartWith(AmzJson);
            call.Headers.ShouldContainKey("Authorization");
        }
        calls[0].Headers!["X-Amz-Target"].ShouldBe(["TrentService.GenerateDataKey"]);
        var generate = JsonNode.Parse(calls[0].Body!)!;
        generate["KeyId"]!.GetValue<string>().ShouldBe(KeyId);
        generate["KeySpec"]!.GetValue<string>().ShouldBe("AES_256");
        generate["EncryptionContext"]!["purpose"]!.GetValue<string>().ShouldBe("orthoscan-blob-data-key");

        calls[1].Headers!["X-Amz-Target"].ShouldBe(["TrentService.Decrypt"]);
        var decrypt = JsonNode.Parse(calls[1].Body!)!;
        decrypt["KeyId"]!.GetValue<string>().ShouldBe(KeyId);
        decrypt["CiphertextBlob"]!.GetValue<string>().ShouldBe(Convert.ToBase64String(_wrapped));
        decrypt["EncryptionContext"]!["purpose"]!.GetValue<string>().ShouldBe("orthoscan-blob-data-key");
    }

    [Fact]
    public async Task A_wrapped_key_that_KMS_refuses_is_a_cryptographic_failure() =>
        await Should.ThrowAsync<CryptographicException>(() => _provider.DecryptDataKeyAsync(RandomBytes(184), default));

    [Fact]
    public async Task The_encrypted_file_store_round_trips_with_KMS_wrapped_data_keys()
    {
        var root = TempFolder();
        try
        {
            var store = new EncryptedFileBlobStore(root, _provider, new BlobUrlSigner(RandomBytes(32), TimeProvider.System), TimeProvider.System);
            var key = NewKey();
            var bytes = RandomBytes(200_000);
            await store.PutAsync(key, new MemoryStream(bytes), "image/jpeg", default);
            (await TryReadAsync(store, key)).Read.ShouldBe(bytes);
            (await File.ReadAllBytesAsync(store.PathOf(key))).AsSpan().IndexOf(_wrapped).ShouldBeGreaterThan(0, "the KMS ciphertext blob is the stored wrapped key");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
