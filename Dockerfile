# The bot's image: built with the .NET SDK, run on the smaller ASP.NET runtime as a non-root user.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source

# Restore first, so the package layer is reused while only the code changes.
COPY global.json Directory.Build.props Directory.Packages.props BannedSymbols.txt .editorconfig ./
COPY src/Bot/Bot.csproj src/Bot/
RUN dotnet restore src/Bot/Bot.csproj

COPY src/ src/
RUN dotnet publish src/Bot/Bot.csproj --configuration Release --no-restore --output /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
COPY --from=build /app /app

# The database and an optional appsettings.json live in /data; the runtime image's user "app" owns it.
RUN mkdir /data && chown "$APP_UID" /data
USER $APP_UID
WORKDIR /data
VOLUME /data
ENV ConnectionStrings__Bot="Data Source=/data/bot.db"

ENTRYPOINT ["dotnet", "/app/Bot.dll"]
CMD ["run"]
