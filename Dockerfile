# The function app as a container: for local container testing and for FC custom-container deploys.
#   docker build --network host -t fc-dotnet-samples .
#   docker run --rm --network host -e FC_SERVER_PORT=9000 fc-dotnet-samples
# Build stage and run stage use the same .NET 10 image family, so the AOT binary's glibc always matches.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# Native AOT links with a C toolchain.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends clang zlib1g-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Directory.Build.props ./
COPY runtime/ runtime/
COPY handlers/ handlers/
RUN dotnet publish handlers/SampleFunctions.csproj -c Release -r linux-x64 -p:PublishAot=true -o /publish -nologo
COPY bootstrap /code/bootstrap
RUN cp /publish/SampleFunctions /code/ && chmod +x /code/bootstrap /code/SampleFunctions

FROM mcr.microsoft.com/dotnet/runtime-deps:10.0
# Same layout as an FC code package: /code/bootstrap starts the app, port 9000 unless FC says otherwise.
COPY --from=build /code /code
ENV FC_FUNC_CODE_PATH=/code FC_SERVER_PORT=9000
EXPOSE 9000
USER app
ENTRYPOINT ["/code/bootstrap"]
