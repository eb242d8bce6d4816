package dev.sfn.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sfn.contracts.orderservice.FunctionError;
import dev.sfn.contracts.orderservice.OrderServiceDispatcher;
import dev.sfn.contracts.orderservice.OrderServiceHandlers;
import dev.sfn.contracts.userservice.UserServiceClient;
import dev.sfn.contracts.userservice.UserServiceDispatcher;
import dev.sfn.contracts.userservice.UserServiceHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DispatchTest {
    static final UserServiceHandlers USERS = request -> CompletableFuture.supplyAsync(() -> {
        try {
            return dev.sfn.contracts.userservice.Converter.CreateUserResponseFromJsonString("{\"userId\":\"0190f6c4-7b2a-7cc1-9a4e-3f0e8e1c2b3a\"}");
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    });

    static final OrderServiceHandlers ORDERS = new OrderServiceHandlers() {
        @Override
        public CompletableFuture<dev.sfn.contracts.orderservice.ProcessOrderResponseV2> processOrder(dev.sfn.contracts.orderservice.ProcessOrderRequestV2 request) {
            try {
                var res = dev.sfn.contracts.orderservice.Converter.ProcessOrderResponseV2FromJsonString(
                    "{\"orderId\":\"0190f6c4-7b2a-7cc1-9a4e-3f0e8e1c2b3b\",\"status\":\"paid\",\"total\":0,\"estimatedDelivery\":null}");
                res.setTotal(request.getLines().stream().mapToDouble(l -> l.getQuantity() * l.getUnitPrice()).sum());
                return CompletableFuture.completedFuture(res);
            } catch (Exception e) {
                return CompletableFuture.failedFuture(e);
            }
        }

        @Override
        public CompletableFuture<dev.sfn.contracts.orderservice.Order> getOrder(dev.sfn.contracts.orderservice.GetOrderRequest request) {
            return CompletableFuture.failedFuture(new FunctionError("NotFound", "ORDER_NOT_FOUND", "no such order", null));
        }
    };

    @Test
    void dispatches() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode scenarios = mapper.readTree(Files.readString(Path.of("__SCENARIOS__")));
        for (JsonNode s : scenarios) {
            String body = s.get("body").toString();
            String reply = s.get("service").asText().equals("UserService")
                ? new UserServiceDispatcher(USERS).dispatch(body).get()
                : new OrderServiceDispatcher(ORDERS).dispatch(body).get();
            Files.writeString(Path.of("__OUT__/java.dispatch." + s.get("id").asText() + ".json"), reply, StandardCharsets.UTF_8);
        }
        UserServiceClient client = new UserServiceClient((service, function, parameters) ->
            new UserServiceDispatcher(USERS).dispatch("{\"function\":\"" + function + "\",\"parameters\":" + parameters + "}")
                .thenApply(reply -> {
                    try {
                        return mapper.readTree(reply).get("result").toString();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
        var res = client.createUser(dev.sfn.contracts.userservice.Converter.CreateUserRequestFromJsonString("{\"email\":\"ann@example.com\",\"name\":\"Ann\"}")).get();
        Files.writeString(Path.of("__OUT__/java.client.json"), dev.sfn.contracts.userservice.Converter.CreateUserResponseToJsonString(res), StandardCharsets.UTF_8);
    }
}
