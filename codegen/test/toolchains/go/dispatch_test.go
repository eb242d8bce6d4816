package dispatchcheck

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	order "sfn.dev/codegen-check/contracts/orderservice"
	user "sfn.dev/codegen-check/contracts/userservice"
)

type userHandlers struct{}

func (userHandlers) CreateUser(ctx context.Context, r user.CreateUserRequest) (user.CreateUserResponse, error) {
	return user.UnmarshalCreateUserResponse([]byte(`{"userId":"0190f6c4-7b2a-7cc1-9a4e-3f0e8e1c2b3a"}`))
}

type orderHandlers struct{}

func (orderHandlers) ProcessOrder(ctx context.Context, r order.ProcessOrderRequestV2) (order.ProcessOrderResponseV2, error) {
	total := 0.0
	for _, l := range r.Lines {
		total += float64(l.Quantity) * l.UnitPrice
	}
	res, err := order.UnmarshalProcessOrderResponseV2([]byte(`{"orderId":"0190f6c4-7b2a-7cc1-9a4e-3f0e8e1c2b3b","status":"paid","total":0,"estimatedDelivery":null}`))
	res.Total = total
	return res, err
}

func (orderHandlers) GetOrder(ctx context.Context, r order.GetOrderRequest) (order.Order, error) {
	return order.Order{}, &order.FunctionError{Type: "NotFound", Code: "ORDER_NOT_FOUND", Message: "no such order"}
}

type loop struct{}

func (loop) Call(ctx context.Context, service, function string, parameters json.RawMessage) (json.RawMessage, error) {
	body, _ := json.Marshal(map[string]any{"function": function, "parameters": parameters})
	var reply struct {
		Result json.RawMessage `json:"result"`
	}
	err := json.Unmarshal(user.Dispatch(ctx, userHandlers{}, body), &reply)
	return reply.Result, err
}

func TestDispatch(t *testing.T) {
	ctx := context.Background()
	data, err := os.ReadFile("__SCENARIOS__")
	if err != nil {
		t.Fatal(err)
	}
	var scenarios []struct {
		ID      string          `json:"id"`
		Service string          `json:"service"`
		Body    json.RawMessage `json:"body"`
	}
	if err := json.Unmarshal(data, &scenarios); err != nil {
		t.Fatal(err)
	}
	for _, s := range scenarios {
		var reply []byte
		if s.Service == "UserService" {
			reply = user.Dispatch(ctx, userHandlers{}, s.Body)
		} else {
			reply = order.Dispatch(ctx, orderHandlers{}, s.Body)
		}
		if err := os.WriteFile("__OUT__/go.dispatch."+s.ID+".json", reply, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	client := user.UserServiceClient{Transport: loop{}}
	req, _ := user.UnmarshalCreateUserRequest([]byte(`{"email":"ann@example.com","name":"Ann"}`))
	res, err := client.CreateUser(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := res.Marshal()
	if err := os.WriteFile("__OUT__/go.client.json", out, 0o644); err != nil {
		t.Fatal(err)
	}
}
