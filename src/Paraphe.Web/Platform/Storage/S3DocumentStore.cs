using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Paraphe.Web.Platform.Storage;

/// <summary>
/// Objects in one bucket of any S3-compatible service, through AWSSDK.S3. The client sends plain payloads (checksums
/// only when the operation requires one, no `aws-chunked` encoding): every S3-compatible server understands them,
/// including s3rver (the tests) which does not decode chunked bodies. Uploads stream from the caller's seekable stream;
/// reads stream the response body to the caller. A service that does not answer or refuses (5xx, credentials,
/// missing bucket) is <see cref="StorageUnavailableException"/>; an absent key is <see cref="StoredObjectMissingException"/>.
/// </summary>
public sealed class S3DocumentStore : IDocumentStore, IDisposable
{
    private readonly AmazonS3Client client;
    private readonly string bucket;

    public S3DocumentStore(StorageOptions.S3Options options)
    {
        bucket = options.Bucket!;
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = options.Timeout,
            MaxErrorRetry = 2,
        };
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }
        else config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        client = new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    public string Provider => StorageOptions.S3Provider;

    public async Task PutAsync(string key, Stream content, CancellationToken ct)
    {
        StorageKeys.Check(key);
        await Call(key, () => client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = key, InputStream = content, ContentType = "application/pdf",
            AutoCloseStream = false, UseChunkEncoding = false, DisableDefaultChecksumValidation = true,
        }, ct), ct);
    }

    public async Task<Stream> OpenReadAsync(string key, CancellationToken ct)
    {
        StorageKeys.Check(key);
        var response = await Call(key, () => client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, ct), ct);
        return new ResponseStream(response);
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        StorageKeys.Check(key);
        await Call(key, () => client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key }, ct), ct);
    }

    private static async Task<T> Call<T>(string key, Func<Task<T>> call, CancellationToken ct)
    {
        try
        {
            return await call();
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is "NoSuchKey" or null or "")
        {
            throw new StoredObjectMissingException(key, e);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException
                                      || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new StorageUnavailableException($"S3 call for {key} failed: {e.Message}", e);
        }
    }

    public void Dispose() => client.Dispose();

    /// <summary>The object's body, which also disposes the response (and its connection) when the caller is done.</summary>
    private sealed class ResponseStream(GetObjectResponse response) : Stream
    {
        private readonly Stream body = response.ResponseStream;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => response.ContentLength;
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => body.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => body.ReadAsync(buffer, ct);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => body.ReadAsync(buffer, offset, count, ct);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) response.Dispose();
            base.Dispose(disposing);
        }
    }
}
